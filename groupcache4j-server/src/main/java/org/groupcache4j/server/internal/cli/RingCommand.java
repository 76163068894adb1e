package org.groupcache4j.server.internal.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.groupcache4j.node.internal.Values;
import org.groupcache4j.node.settings.NodeSettings;
import org.groupcache4j.node.settings.Setting;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.ring.RingMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code groupcache4j ring}: which peer owns each key, by the ring the nodes use. Its {@code --ring}
 * and {@code --replicas} are the nodes' settings ({@link NodeSettings#RING}, {@link NodeSettings#REPLICAS}):
 * the same help, default and parser.
 */
@Command(name = "ring", mixinStandardHelpOptions = true, sortOptions = false, modelTransformer = RingCommand.Options.class,
    description = {"Prints which peer owns each key.",
        "",
        "One line per key: the key, a tab, and the peer that owns it, computed by the same",
        "consistent-hash ring as the nodes (--ring: golang/groupcache's by default, or",
        "mailgun's, groupcache-go's, or the balanced ring of groupcache4j clusters).",
        "Examples:",
        "  groupcache4j ring --peers http://10.0.0.1:8001,http://10.0.0.2:8001 Tom Jack",
        "  groupcache4j ring --ring groupcache-go --peers 10.0.0.1:8080,10.0.0.2:8080 Tom",
        ""})
public final class RingCommand implements Callable<Integer> {
  /** The nodes' settings that the command takes, as options made from them. */
  private static final List<Setting<?>> SETTINGS = List.of(NodeSettings.RING, NodeSettings.REPLICAS);

  @Spec
  CommandSpec spec;

  @Option(names = "--peers", paramLabel = "URL,URL,...", required = true,
      description = "Every node's peer URL, in the order the nodes are given them (with --ring groupcache-go, "
          + "HOST:PORT as groupcache-go names its peers is taken too).")
  String peers;

  @Parameters(paramLabel = "KEY", arity = "1..*", description = "The keys to look up.")
  List<String> keys;

  /** Adds {@code --ring} and {@code --replicas}, made from the settings, after {@code --peers}. */
  static final class Options implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
      List<OptionSpec> standard = new ArrayList<>(spec.options()); // --help and --version, shown last
      standard.stream().filter(o -> o.usageHelp() || o.versionHelp()).forEach(spec::remove);
      for (Setting<?> s : SETTINGS) {
        spec.addOption(ServeOptions.option(s));
      }
      standard.stream().filter(o -> o.usageHelp() || o.versionHelp()).forEach(spec::addOption);
      return spec;
    }
  }

  @Override
  public Integer call() {
    RingMode mode = parse(NodeSettings.RING);
    String replicasText = spec.findOption(NodeSettings.REPLICAS.flag()).getValue();
    if (replicasText != null && !mode.hasReplicas()) {
      throw new CommandLine.ParameterException(spec.commandLine(), NodeSettings.REPLICAS.flag()
          + " does not apply to --ring " + mode.id() + ", which has no replicas; leave it out, or choose another ring mode");
    }
    List<String> peerList = peers(mode);
    HashRing ring;
    try {
      ring = mode.hasReplicas() ? HashRing.of(mode, peerList, parse(NodeSettings.REPLICAS)) : HashRing.of(mode, peerList);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--peers': " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    for (String key : keys) {
      out.println(key + "\t" + ring.owner(key));
    }
    out.flush();
    return 0;
  }

  /** The option's value (or the setting's default) as the setting reads it. */
  private <T> T parse(Setting<T> s) {
    String text = spec.findOption(s.flag()).getValue();
    String t = text != null ? text : s.defaultText();
    try {
      return s.parse(t);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "Invalid value for option '" + s.flag() + "': '" + t + "': " + e.getMessage());
    }
  }

  /** The peers as the nodes take them (URLs), or, in a groupcache-go ring, also as groupcache-go names them (HOST:PORT). */
  private List<String> peers(RingMode mode) {
    try {
      if (mode != RingMode.GROUPCACHE_GO) {
        return Values.peerUrls(peers);
      }
      List<String> out = new ArrayList<>();
      for (String part : peers.split(",")) {
        String p = part.trim();
        if (p.isEmpty()) {
          continue;
        }
        if (p.contains("://")) {
          out.add(Values.peerUrl(p));
        } else {
          try {
            if (p.startsWith(":")) {
              throw new IllegalArgumentException("no host");
            }
            Values.hostPort(p);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + p + "' is neither HOST:PORT nor a peer URL; use e.g. 10.0.0.1:8080 "
                + "or http://10.0.0.1:8080");
          }
          out.add(p);
        }
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException("'" + peers + "' names no peer");
      }
      return out;
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--peers': " + e.getMessage());
    }
  }
}
