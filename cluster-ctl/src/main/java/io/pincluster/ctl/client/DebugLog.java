package io.pincluster.ctl.client;

import java.io.PrintStream;
import java.util.Locale;
import okhttp3.Headers;
import okhttp3.Request;
import okhttp3.Response;

/** Echoes requests and answers for {@code --debug}; the Authorization value is masked. */
final class DebugLog {
  private final PrintStream out;

  DebugLog(PrintStream out) {
    this.out = out;
  }

  void request(Request request) {
    synchronized (out) {
      out.println("> " + request.method() + " " + request.url());
      headers("> ", request.headers());
      out.flush();
    }
  }

  void response(Response response) {
    synchronized (out) {
      out.println(
          "< "
              + response.protocol().toString().toUpperCase(Locale.ROOT)
              + " "
              + response.code()
              + " "
              + response.message());
      headers("< ", response.headers());
      out.flush();
    }
  }

  /** A remark of the client's own, e.g. that it moves to another host. */
  void note(String text) {
    synchronized (out) {
      out.println("* " + text);
      out.flush();
    }
  }

  void body(String text) {
    synchronized (out) {
      out.println("< " + text);
      out.flush();
    }
  }

  void trailers(Headers trailers) {
    if (trailers.size() == 0) {
      return;
    }
    synchronized (out) {
      headers("< trailer ", trailers);
      out.flush();
    }
  }

  private void headers(String prefix, Headers headers) {
    for (int i = 0; i < headers.size(); i++) {
      String name = headers.name(i);
      String value =
          name.toLowerCase(Locale.ROOT).equals("authorization")
              ? headers.value(i).replaceAll("(?<=\\S) .*", " ***")
              : headers.value(i);
      out.println(prefix + name + ": " + value);
    }
  }
}
