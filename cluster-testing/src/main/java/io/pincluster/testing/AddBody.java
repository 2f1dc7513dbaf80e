package io.pincluster.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code multipart/form-data} body as IPFS clients send it to {@code add} (and to {@code
 * dag/import}): one part per file or directory, named by its URL-escaped path, directories as
 * {@code application/x-directory} before their contents. Immutable.
 */
public final class AddBody {
  public static final String BOUNDARY = "pincluster-test-boundary";

  private final byte[] bytes;

  private AddBody(byte[] bytes) {
    this.bytes = bytes;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A body with one file. */
  public static AddBody ofFile(String name, byte[] content) {
    return builder().file(name, content).build();
  }

  /** {@code multipart/form-data; boundary=…} */
  public String contentType() {
    return "multipart/form-data; boundary=" + BOUNDARY;
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  /** A new stream over the body. */
  public InputStream stream() {
    return new ByteArrayInputStream(bytes);
  }

  /** Collects parts in order. Not thread-safe. */
  public static final class Builder {
    private record Part(String path, String type, byte[] content) {}

    private final List<Part> parts = new ArrayList<>();

    private Builder() {}

    public Builder file(String path, byte[] content) {
      parts.add(new Part(path, "application/octet-stream", content.clone()));
      return this;
    }

    public Builder file(String path, String text) {
      return file(path, text.getBytes(StandardCharsets.UTF_8));
    }

    public Builder directory(String path) {
      parts.add(new Part(path, "application/x-directory", new byte[0]));
      return this;
    }

    public AddBody build() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (Part p : parts) {
        String head =
            "--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + URLEncoder.encode(p.path(), StandardCharsets.UTF_8)
                + "\"\r\nContent-Type: "
                + p.type()
                + "\r\n\r\n";
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(p.content());
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
      return new AddBody(out.toByteArray());
    }
  }
}
