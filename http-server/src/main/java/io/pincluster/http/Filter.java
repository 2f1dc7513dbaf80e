package io.pincluster.http;

/**
 * Wraps request handling (authentication, CORS, …): it may answer by itself or call {@code next}
 * and decorate its response (e.g. with {@link Response#withHeader}). Runs on a worker thread.
 * Filters see every request, including those the router answers with 404, 405 or a 307 redirect.
 */
@FunctionalInterface
public interface Filter {
  Response filter(Request request, Handler next) throws Exception;
}
