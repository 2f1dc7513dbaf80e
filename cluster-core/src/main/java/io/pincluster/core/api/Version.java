package io.pincluster.core.api;

/** {@code GET /version}: {@code {"version": "…"}}. */
public record Version(String version) {}
