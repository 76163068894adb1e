package org.groupcache4j.server.internal.origin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.groupcache4j.LoadedValue;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.internal.Text;

/**
 * Origin {@code http://…{key}…} / {@code https://…{key}…}: GETs the template with {@code {key}}
 * replaced by the percent-encoded key. 2xx → the body is the value; 404 → not found; any other
 * status, a refused connection or a timeout → a load error that names the status or cause.
 * Bodies are read up to the value limit and no further.
 */
public final class HttpOrigin implements Origin {
  private static final int ERROR_BODY_BYTES = 200;

  private final String template;
  private final String described; // the template with secrets hidden
  private final HttpClient client;
  private final Duration timeout;
  private final long maxValueBytes;

  private HttpOrigin(String template, Duration timeout, long maxValueBytes) {
    this.template = template;
    this.described = Origins.redact(template);
    this.timeout = timeout;
    this.maxValueBytes = maxValueBytes;
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(timeout)
        .build();
  }

  /** Checks the template and builds the origin. */
  public static HttpOrigin create(String template, Duration timeout, long maxValueBytes) throws OriginConfigException {
    if (!template.contains("{key}")) {
      throw new OriginConfigException("the URL template has no {key}; write where the key goes, "
          + "e.g. http://127.0.0.1:8080/scores/{key} or http://host/lookup?name={key}", true, null);
    }
    try {
      URI u = new URI(template.replace("{key}", "k"));
      if (u.getHost() == null) {
        throw new URISyntaxException(template, "no host");
      }
    } catch (URISyntaxException e) {
      throw new OriginConfigException("not a URL template (" + e.getReason()
          + "); use e.g. http://127.0.0.1:8080/scores/{key}", true, e);
    }
    return new HttpOrigin(template, timeout, maxValueBytes);
  }

  /** The URL for {@code key}. */
  URI uriFor(String key) {
    return URI.create(template.replace("{key}", percentEncode(key)));
  }

  @Override
  public byte[] fetch(String key) throws Exception {
    return fetchValue(key).value().toByteArray();
  }

  /** The answer's body, cacheable for as long as its headers say ({@link HttpFreshness}). */
  @Override
  public LoadedValue fetchValue(String key) throws Exception {
    URI uri = uriFor(key);
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).GET()
        .header("User-Agent", "groupcache4j").build();
    CompletableFuture<HttpResponse<byte[]>> call = client.sendAsync(req, info -> {
      boolean success = info.statusCode() / 100 == 2;
      return new BoundedBody(success ? maxValueBytes : ERROR_BODY_BYTES, !success);
    });
    HttpResponse<byte[]> resp;
    try {
      resp = call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw timedOut(uri);
    } catch (InterruptedException e) {
      call.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof HttpTimeoutException) {
        throw timedOut(uri);
      }
      if (c instanceof ConnectException) {
        throw new IOException(request(uri) + " failed: connection refused (is the service up?)", c);
      }
      String m = c.getMessage();
      throw new IOException(request(uri) + " failed: " + (m == null ? c.toString() : m), c);
    }
    int status = resp.statusCode();
    if (status / 100 == 2) {
      return HttpFreshness.of(resp.body(), resp.headers());
    }
    if (status == 404) {
      throw new KeyNotFoundException(request(uri) + " answered 404");
    }
    String body = Text.oneLine(new String(resp.body(), StandardCharsets.UTF_8), ERROR_BODY_BYTES);
    throw new IOException(request(uri) + " answered HTTP " + status + (body.isEmpty() ? "" : ": " + body));
  }

  /** {@code origin GET URI} for messages, with secrets in the URI hidden. */
  private static String request(URI uri) {
    return "origin GET " + Origins.redact(uri.toString());
  }

  private OriginTimeoutException timedOut(URI uri) {
    return new OriginTimeoutException(request(uri) + " did not answer within " + timeout.toMillis()
        + " ms (--origin-timeout)");
  }

  @Override
  public String describe() {
    return described;
  }

  @Override
  public void close() {
    // Node.close() closes every origin. From Java 21 HttpClient is AutoCloseable: close() waits for
    // the requests in flight and ends its selector thread. Java 17's HttpClient has no close() nor
    // shutdown(): there, its selector thread ends only once the client is unreachable and collected.
    if (client instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        // nothing left to release
      }
    }
  }

  /** Percent-encodes every UTF-8 byte outside RFC 3986's unreserved set (space as %20). */
  public static String percentEncode(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(b.length + 16);
    for (byte x : b) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }

  /**
   * Collects a body up to {@code limit} bytes; beyond it, fails (a value too large) or, for error
   * bodies that are only quoted, keeps the first bytes and drops the rest.
   */
  private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final long limit;
    private final boolean truncate;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private boolean full;

    BoundedBody(long limit, boolean truncate) {
      this.limit = limit;
      this.truncate = truncate;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      if (full) {
        return;
      }
      for (ByteBuffer b : buffers) {
        int n = b.remaining();
        if (out.size() + (long) n > limit) {
          if (!truncate) {
            full = true;
            subscription.cancel();
            result.completeExceptionally(new IOException("the value is larger than the limit of " + limit
                + " bytes (--max-value-bytes)"));
            return;
          }
          n = (int) (limit - out.size());
          full = true;
        }
        byte[] chunk = new byte[n];
        b.get(chunk);
        out.write(chunk, 0, n);
        if (full) {
          subscription.cancel();
          result.complete(out.toByteArray());
          return;
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }
  }
}
