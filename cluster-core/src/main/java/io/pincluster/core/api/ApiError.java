package io.pincluster.core.api;

/** The error body of every REST and peer RPC error: {@code {"code": 404, "message": "…"}}. */
public record ApiError(int code, String message) {}
