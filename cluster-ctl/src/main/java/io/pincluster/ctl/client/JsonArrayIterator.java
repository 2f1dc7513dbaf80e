package io.pincluster.ctl.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.pincluster.core.CloseableIterator;
import io.pincluster.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Reads the items of an answer that is one JSON array (or {@code null}, an empty one), one item at
 * a time with Jackson's streaming parser: the array is never held whole. Not thread-safe; one
 * consumer.
 */
final class JsonArrayIterator<T> implements CloseableIterator<T> {
  private final InputStream body;
  private final Class<T> type;
  private final Function<IOException, RuntimeException> ioFailure;
  private final Function<String, RuntimeException> badJson;
  private JsonParser parser;
  private T next;
  private boolean done;

  /**
   * @param body the answer's body; closed by {@link #close()}
   * @param ioFailure turns a failure to read the body into the exception to throw
   * @param badJson turns a description of malformed JSON into the exception to throw
   */
  JsonArrayIterator(
      InputStream body,
      Class<T> type,
      Function<IOException, RuntimeException> ioFailure,
      Function<String, RuntimeException> badJson) {
    this.body = body;
    this.type = type;
    this.ioFailure = ioFailure;
    this.badJson = badJson;
  }

  @Override
  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    if (done) {
      return false;
    }
    try {
      if (parser == null) {
        parser = Json.mapper().createParser(body);
        JsonToken first = parser.nextToken();
        if (first == JsonToken.VALUE_NULL) {
          close(); // Go servers write a nil slice as null
          return false;
        }
        if (first != JsonToken.START_ARRAY) {
          throw badJson.apply("the answer is not a JSON array");
        }
      }
      JsonToken token = parser.nextToken();
      if (token == JsonToken.END_ARRAY) {
        close();
        return false;
      }
      if (token != JsonToken.START_OBJECT) {
        throw badJson.apply("expected an object in the array, found " + token);
      }
      next = Json.mapper().readValue(parser, type);
      return true;
    } catch (JsonProcessingException e) {
      close();
      throw badJson.apply(Json.describe(e));
    } catch (IOException e) {
      close();
      throw ioFailure.apply(e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    T item = next;
    next = null;
    return item;
  }

  @Override
  public void close() {
    done = true;
    try {
      if (parser != null) {
        parser.close();
      }
      body.close();
    } catch (IOException ignored) {
      // nothing more will be read
    }
  }
}
