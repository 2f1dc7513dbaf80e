package io.pincluster.http;

/**
 * Answers one request. Runs on a worker thread of the server, never on an I/O thread, so it may
 * block (bounded by its own timeouts). A thrown exception becomes an error response through the
 * router's error mapping ({@link HttpException} keeps its status, anything else is a 500).
 */
@FunctionalInterface
public interface Handler {
  Response handle(Request request) throws Exception;
}
