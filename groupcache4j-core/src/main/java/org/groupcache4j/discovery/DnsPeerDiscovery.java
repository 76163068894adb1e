package org.groupcache4j.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * A and AAAA records of one name, each a peer {@code scheme://IP:port}.
 *
 * <p>Lookups go through the JDK's JNDI DNS provider (module {@code jdk.naming.dns}) rather than
 * {@link InetAddress}: the latter keeps answers in a JVM-wide cache ({@code networkaddress.cache.ttl},
 * 30 s by default, forever under a security manager) that a library must not change, and it
 * cannot ask a given server. The provider asks the name servers of {@code /etc/resolv.conf} (or the
 * one given) on every lookup. Like the C resolver, a name with fewer dots than {@code ndots} (or
 * a name not found as given) is also tried with the {@code search} domains of
 * {@code /etc/resolv.conf}, so a Kubernetes Service's short name works too.
 */
final class DnsPeerDiscovery implements PeerDiscovery {
  private static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");

  private final String url;
  private final String scheme;
  private final String name;
  private final int port;
  private final InetSocketAddress server; // null: the system's
  private final Path resolvConf;

  DnsPeerDiscovery(String url, InetSocketAddress server) {
    this(url, server, RESOLV_CONF);
  }

  /** With the resolver configuration at {@code resolvConf} (its {@code search} and {@code ndots}; for tests). */
  DnsPeerDiscovery(String url, InetSocketAddress server, Path resolvConf) {
    this.resolvConf = resolvConf;
    URI u = PeerUrls.parse(url);
    if (u.getHost() == null || u.getPort() < 0 || (u.getRawPath() != null && !u.getRawPath().isEmpty())
        || u.getRawQuery() != null || u.getRawUserInfo() != null) {
      throw new IllegalArgumentException("'" + url + "' is not a DNS peer URL; use http://NAME:PORT, e.g. "
          + "http://groupcache.default.svc.cluster.local:8001 (every address of NAME is a peer on PORT)");
    }
    this.url = url;
    this.scheme = u.getScheme();
    this.name = u.getHost();
    this.port = u.getPort();
    this.server = server;
  }

  @Override
  public List<String> lookup() throws IOException {
    if (isIpLiteral(name)) {
      return List.of(PeerUrls.of(scheme, literal(name.replace("[", "").replace("]", "")), port));
    }
    TreeSet<String> peers = new TreeSet<>();
    NamingException lastFailure = null;
    for (String candidate : candidates()) {
      try {
        if (resolve(candidate, peers)) {
          return List.copyOf(peers);
        }
      } catch (NameNotFoundException e) {
        // try the next candidate
      } catch (NamingException e) {
        lastFailure = e;
      }
    }
    if (lastFailure != null) {
      throw new IOException("DNS lookup of " + name + (server == null ? "" : " at " + server) + " failed: "
          + lastFailure.getMessage(), lastFailure);
    }
    return List.of(); // no such name (yet), or no address records
  }

  private boolean resolve(String candidate, TreeSet<String> peers) throws NamingException, IOException {
    Hashtable<String, String> env = new Hashtable<>();
    env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
    env.put(Context.PROVIDER_URL, server == null ? "dns:" : "dns://" + hostPort(server));
    env.put("com.sun.jndi.dns.timeout.initial", "500");
    env.put("com.sun.jndi.dns.timeout.retries", "3");
    DirContext ctx = new InitialDirContext(env);
    try {
      Attributes attrs = ctx.getAttributes(candidate, new String[] {"A", "AAAA"});
      for (String type : new String[] {"A", "AAAA"}) {
        Attribute a = attrs.get(type);
        if (a == null) {
          continue;
        }
        NamingEnumeration<?> values = a.getAll();
        while (values.hasMore()) {
          peers.add(PeerUrls.of(scheme, literal(String.valueOf(values.next())), port));
        }
      }
      return !peers.isEmpty();
    } finally {
      ctx.close();
    }
  }

  private static InetAddress literal(String address) throws IOException {
    if (address.isEmpty() || !(Character.digit(address.charAt(0), 16) >= 0 || address.charAt(0) == ':')) {
      throw new IOException("DNS answered an address that is not an IP literal: " + address);
    }
    try {
      return InetAddress.getByName(address); // a literal: parsed, never looked up
    } catch (UnknownHostException e) {
      throw new IOException("DNS answered an address that is not an IP literal: " + address, e);
    }
  }

  /** The names to ask, in order, as the C resolver would with {@code search} and {@code ndots}. */
  List<String> candidates() throws IOException {
    if (name.endsWith(".") || server != null) {
      return List.of(name);
    }
    List<String> search = new ArrayList<>();
    int ndots = 1;
    try {
      for (String line : Files.readAllLines(resolvConf)) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 2 && (f[0].equals("search") || f[0].equals("domain"))) {
          search.clear();
          for (int i = 1; i < f.length; i++) {
            search.add(f[i]);
          }
        } else if (f.length >= 2 && f[0].equals("options")) {
          for (int i = 1; i < f.length; i++) {
            if (f[i].startsWith("ndots:")) {
              try {
                ndots = Integer.parseInt(f[i].substring(6));
              } catch (NumberFormatException e) {
                // keep the default, as the C resolver does
              }
            }
          }
        }
      }
    } catch (NoSuchFileException e) {
      return List.of(name);
    }
    List<String> out = new ArrayList<>();
    long dots = name.chars().filter(c -> c == '.').count();
    if (dots >= ndots) {
      out.add(name);
    }
    for (String domain : search) {
      out.add(name + "." + domain);
    }
    if (dots < ndots) {
      out.add(name);
    }
    return out;
  }

  private static boolean isIpLiteral(String host) {
    return host.startsWith("[") || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
  }

  private static String hostPort(InetSocketAddress a) {
    String h = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
  }

  @Override
  public String describe() {
    return "DNS " + name.toLowerCase(Locale.ROOT) + " (A/AAAA -> " + scheme + "://IP:" + port + ", "
        + (server == null ? "resolvers of /etc/resolv.conf" : "name server " + hostPort(server)) + ")";
  }

  @Override
  public String toString() {
    return describe() + " from " + url;
  }
}
