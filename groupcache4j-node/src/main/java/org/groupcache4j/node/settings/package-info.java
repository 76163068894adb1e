/**
 * A cache node as settings describe it: one table of settings ({@link org.groupcache4j.node.settings.NodeSettings#TABLE},
 * each {@link org.groupcache4j.node.settings.Setting} with its name, scope, parser, default and
 * help) and one resolution of them, without side effects, into a
 * {@link org.groupcache4j.node.settings.NodeSpec} and its {@link org.groupcache4j.node.settings.GroupSpec}s.
 *
 * <p>Values come from {@link org.groupcache4j.node.settings.SettingSource}s, asked in order by a
 * {@link org.groupcache4j.node.settings.SettingResolver}: the first that gives a setting wins, else
 * its default (the server: flags over its config file over defaults). Errors are
 * {@link org.groupcache4j.node.settings.SettingException}s that name the setting as its source gave
 * it. To configure a node from another source (framework properties, say): give a source that
 * finds each setting's text by its {@link org.groupcache4j.node.settings.Setting#name()} (and group),
 * call {@link org.groupcache4j.node.settings.NodeSettings#resolve} and
 * {@link org.groupcache4j.node.settings.NodeSettings#resolveGroup} for each group, and build the
 * node from the specs ({@link org.groupcache4j.node.settings.GroupSpec#applyTo} configures a
 * {@code Group.Builder}). Text is read as the command line reads it: sizes
 * {@code 64MiB}, durations {@code 5s}.
 */
package org.groupcache4j.node.settings;
