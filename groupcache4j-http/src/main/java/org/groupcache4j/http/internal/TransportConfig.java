package org.groupcache4j.http.internal;

import static org.groupcache4j.http.internal.Checks.atLeast;
import static org.groupcache4j.http.internal.Checks.positive;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import org.groupcache4j.http.HttpPeerTransport;

/**
 * The validated options of an {@code HttpPeerTransport}, shared by its server and clients.
 * Built with {@link #builder()}: every option has a default, and each setter checks its value
 * (the public {@code HttpPeerTransport.Builder} documents them and hands them over).
 */
public final class TransportConfig {
  private final String basePath;
  private final InetSocketAddress bindAddress;
  private final Duration connectTimeout;
  private final Duration responseTimeout;
  private final int maxResponseBytes;
  private final int maxConnectionsPerPeer;
  private final int maxPendingFetchesPerPeer;
  private final int eventLoopThreads;
  private final Duration idleTimeout;
  private final Duration shutdownTimeout;
  private final int maxRequestLineBytes;
  private final int maxHeaderBytes;
  private final boolean nativeTransport;

  private TransportConfig(Builder b) {
    this.basePath = b.basePath;
    this.bindAddress = b.bindAddress;
    this.connectTimeout = b.connectTimeout;
    this.responseTimeout = b.responseTimeout;
    this.maxResponseBytes = b.maxResponseBytes;
    this.maxConnectionsPerPeer = b.maxConnectionsPerPeer;
    this.maxPendingFetchesPerPeer = b.maxPendingFetchesPerPeer;
    this.eventLoopThreads = b.eventLoopThreads;
    this.idleTimeout = b.idleTimeout;
    this.shutdownTimeout = b.shutdownTimeout;
    this.maxRequestLineBytes = b.maxRequestLineBytes;
    this.maxHeaderBytes = b.maxHeaderBytes;
    this.nativeTransport = b.nativeTransport;
  }

  public static Builder builder() {
    return new Builder();
  }

  public String basePath() {
    return basePath;
  }

  /** Where the server listens, or null: the host and port of the self URL. */
  public InetSocketAddress bindAddress() {
    return bindAddress;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration responseTimeout() {
    return responseTimeout;
  }

  public int maxResponseBytes() {
    return maxResponseBytes;
  }

  public int maxConnectionsPerPeer() {
    return maxConnectionsPerPeer;
  }

  public int maxPendingFetchesPerPeer() {
    return maxPendingFetchesPerPeer;
  }

  public int eventLoopThreads() {
    return eventLoopThreads;
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  public int maxRequestLineBytes() {
    return maxRequestLineBytes;
  }

  public int maxHeaderBytes() {
    return maxHeaderBytes;
  }

  public boolean nativeTransport() {
    return nativeTransport;
  }

  /** Pooled client connections are closed after this long unused, before a server would close them. */
  public Duration clientIdleTimeout() {
    Duration d = idleTimeout.multipliedBy(3).dividedBy(4);
    return d.isZero() ? Duration.ofMillis(1) : d;
  }

  /** Collects and checks the options; an invalid value throws {@link IllegalArgumentException} naming the option. */
  public static final class Builder {
    private String basePath = HttpPeerTransport.DEFAULT_BASE_PATH;
    private InetSocketAddress bindAddress;
    private Duration connectTimeout = HttpPeerTransport.DEFAULT_CONNECT_TIMEOUT;
    private Duration responseTimeout = Duration.ofSeconds(10);
    private int maxResponseBytes = 64 << 20;
    private int maxConnectionsPerPeer = 64;
    private int maxPendingFetchesPerPeer = 16_384;
    private int eventLoopThreads = Runtime.getRuntime().availableProcessors();
    private Duration idleTimeout = Duration.ofSeconds(120);
    private Duration shutdownTimeout = Duration.ofSeconds(5);
    private int maxRequestLineBytes = 16 * 1024;
    private int maxHeaderBytes = 8 * 1024;
    private boolean nativeTransport = true;

    private Builder() {}

    public Builder basePath(String basePath) {
      this.basePath = HttpPeerTransport.checkBasePath(basePath);
      return this;
    }

    public Builder bindAddress(InetSocketAddress address) {
      this.bindAddress = Objects.requireNonNull(address, "bindAddress");
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    public Builder responseTimeout(Duration timeout) {
      this.responseTimeout = positive(timeout, "responseTimeout");
      return this;
    }

    public Builder maxResponseBytes(int bytes) {
      this.maxResponseBytes = atLeast(1, bytes, "maxResponseBytes");
      return this;
    }

    public Builder maxConnectionsPerPeer(int connections) {
      this.maxConnectionsPerPeer = atLeast(1, connections, "maxConnectionsPerPeer");
      return this;
    }

    public Builder maxPendingFetchesPerPeer(int fetches) {
      this.maxPendingFetchesPerPeer = atLeast(1, fetches, "maxPendingFetchesPerPeer");
      return this;
    }

    public Builder eventLoopThreads(int threads) {
      this.eventLoopThreads = atLeast(1, threads, "eventLoopThreads");
      return this;
    }

    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive(timeout, "idleTimeout");
      return this;
    }

    public Builder shutdownTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "shutdownTimeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must be >= 0, was " + timeout);
      }
      this.shutdownTimeout = timeout;
      return this;
    }

    public Builder maxRequestLineBytes(int bytes) {
      this.maxRequestLineBytes = atLeast(256, bytes, "maxRequestLineBytes");
      return this;
    }

    public Builder maxHeaderBytes(int bytes) {
      this.maxHeaderBytes = atLeast(256, bytes, "maxHeaderBytes");
      return this;
    }

    public Builder nativeTransport(boolean enabled) {
      this.nativeTransport = enabled;
      return this;
    }

    public TransportConfig build() {
      return new TransportConfig(this);
    }
  }
}
