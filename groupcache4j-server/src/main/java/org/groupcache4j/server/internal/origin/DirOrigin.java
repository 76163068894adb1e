package org.groupcache4j.server.internal.origin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.groupcache4j.KeyNotFoundException;

/**
 * Origin {@code dir:PATH}: the key names a file under PATH ({@code a/b.txt} is
 * {@code PATH/a/b.txt}). Keys that would leave PATH are refused: absolute paths, {@code ..}
 * segments, and symbolic links whose target lies outside PATH (checked on the real path of the
 * file, after every link is resolved). A missing file, a directory or a refused path is "not
 * found"; the client API answers statically refused keys with 400 before loading.
 */
public final class DirOrigin implements Origin {
  private final Path root; // real path
  private final long maxValueBytes;

  private DirOrigin(Path root, long maxValueBytes) {
    this.root = root;
    this.maxValueBytes = maxValueBytes;
  }

  public static DirOrigin create(String dir, long maxValueBytes) throws OriginConfigException {
    if (dir.isEmpty()) {
      throw new OriginConfigException("no directory named; use dir:PATH, e.g. dir:/srv/files", true, null);
    }
    try {
      Path p = Path.of(dir);
      if (!Files.isDirectory(p)) {
        throw new OriginConfigException(p.toAbsolutePath() + " is not a directory", true, null);
      }
      return new DirOrigin(p.toRealPath(), maxValueBytes);
    } catch (InvalidPathException | IOException e) {
      throw new OriginConfigException("cannot open the directory: " + e.getMessage(), true, e);
    }
  }

  @Override
  public String refuse(String key) {
    if (key.isEmpty()) {
      return "an empty key names no file";
    }
    if (key.indexOf('\0') >= 0) {
      return "a file name cannot contain NUL";
    }
    if (key.startsWith("/") || key.startsWith("\\")) {
      return "absolute paths are not allowed; name a file relative to the directory";
    }
    for (String segment : key.split("[/\\\\]", -1)) {
      if (segment.equals("..")) {
        return "'..' would leave the directory";
      }
    }
    return null;
  }

  @Override
  public byte[] fetch(String key) throws Exception {
    String refused = refuse(key);
    if (refused != null) {
      throw new KeyNotFoundException("refused: " + refused);
    }
    Path file;
    try {
      file = root.resolve(key).normalize();
    } catch (InvalidPathException e) {
      throw new KeyNotFoundException("not a valid file name: " + e.getReason());
    }
    if (!file.startsWith(root)) {
      throw new KeyNotFoundException("refused: the path would leave the directory");
    }
    Path real;
    try {
      real = file.toRealPath();
    } catch (NoSuchFileException e) {
      throw new KeyNotFoundException("no file " + file);
    }
    if (!real.startsWith(root)) {
      throw new KeyNotFoundException("refused: " + file + " is a link that leads outside " + root);
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new KeyNotFoundException(file + " is not a regular file");
    }
    try (InputStream in = Files.newInputStream(real)) {
      byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxValueBytes + 1));
      if (b.length > maxValueBytes) {
        throw new IOException(file + " is larger than the limit of " + maxValueBytes + " bytes (--max-value-bytes)");
      }
      return b;
    } catch (NoSuchFileException e) {
      throw new KeyNotFoundException("no file " + file);
    }
  }

  @Override
  public String describe() {
    return "dir:" + root;
  }
}
