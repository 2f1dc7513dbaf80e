package io.pincluster.ipfs.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.InvalidCidException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import okio.BufferedSource;

/**
 * Lenient reading of Kubo/js-ipfs answers: unknown fields ignored, numbers accepted as JSON numbers
 * or strings, {@code null} and missing treated alike. Bodies and lines are read with size limits so
 * a misbehaving node cannot exhaust memory. Thread-safe.
 */
public final class KuboJson {
  /** Longest NDJSON line accepted. */
  static final long MAX_LINE = 1024 * 1024;

  /** Largest whole (non-streamed) body accepted. */
  static final long MAX_BODY = 16 * 1024 * 1024;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private KuboJson() {}

  /**
   * {@code text} as a JSON object, the shape of every answer and answer line Kubo sends with a 2xx.
   *
   * @throws java.net.ProtocolException naming what came instead (garbage, a truncated or non-object
   *     answer), so such an answer fails the call instead of reading as "nothing"
   */
  public static JsonNode object(String text) throws java.net.ProtocolException {
    return object(parse(text), text);
  }

  /**
   * {@code node}, parsed from {@code text}, when it is an object; else as {@link #object(String)}.
   */
  public static JsonNode object(JsonNode node, String text) throws java.net.ProtocolException {
    if (!node.isObject()) {
      String shown = text.length() > 200 ? text.substring(0, 200) + "…" : text;
      throw new java.net.ProtocolException(
          "the answer is not a JSON object: \"" + shown.strip() + "\"");
    }
    return node;
  }

  /** Parses JSON text; a body that is not JSON becomes {@link MissingNode}. */
  public static JsonNode parse(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      return node == null ? MissingNode.getInstance() : node;
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  /** The whole body as text, at most {@code limit} bytes. */
  public static String readAll(BufferedSource source, long limit) throws IOException {
    if (source.request(limit + 1)) {
      throw new IOException("answer larger than " + limit + " bytes");
    }
    return source.readString(StandardCharsets.UTF_8);
  }

  /** The next line (without its newline), or null at the end; lines over MAX_LINE fail. */
  public static String readLine(BufferedSource source) throws IOException {
    long newline = source.indexOf((byte) '\n', 0, MAX_LINE);
    if (newline >= 0) {
      String line = source.readUtf8(newline);
      source.skip(1);
      return line;
    }
    if (source.getBuffer().size() >= MAX_LINE) {
      throw new IOException("answer line longer than " + MAX_LINE + " bytes");
    }
    if (source.getBuffer().size() == 0) {
      return null;
    }
    return source.readUtf8();
  }

  /** A text field ("" when missing or null). */
  public static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }

  /**
   * A non-negative integer field sent as a number or a string ("123", "1.5e9"), clamped to {@link
   * Long#MAX_VALUE}; {@code fallback} when missing, null or unreadable.
   */
  public static long number(JsonNode node, String field, long fallback) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    try {
      BigInteger n =
          v.isNumber()
              ? v.decimalValue().toBigInteger()
              : new BigDecimal(v.asText().trim()).toBigInteger();
      if (n.signum() < 0) {
        return fallback;
      }
      return n.bitLength() < 64 ? n.longValue() : Long.MAX_VALUE;
    } catch (NumberFormatException | ArithmeticException e) {
      return fallback;
    }
  }

  /**
   * A CID sent as text ({@code "Qm…"}, {@code "/ipfs/Qm…"}) or as an IPLD link ({@code
   * {"/":"bafy…"}}), in any base; empty when missing or unreadable.
   */
  public static Optional<Cid> cid(JsonNode v) {
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    String text = (v.isObject() ? text(v, "/") : v.asText()).trim();
    if (text.startsWith("/ipfs/")) {
      text = text.substring("/ipfs/".length());
    }
    try {
      return text.isEmpty() ? Optional.empty() : Optional.of(Cid.parse(text));
    } catch (InvalidCidException e) {
      return Optional.empty();
    }
  }

  /** The error message of a Kubo error object ({@code {"Message":…,"Type":"error"}}), or "". */
  public static String errorMessage(JsonNode node) {
    if (node.isObject() && node.hasNonNull("Message")) {
      return node.get("Message").asText();
    }
    return "";
  }

  /** Whether a stream line is an inline error object. */
  public static boolean isErrorLine(JsonNode node) {
    return node.isObject() && "error".equals(text(node, "Type")) && node.hasNonNull("Message");
  }
}
