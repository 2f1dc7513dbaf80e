package io.pincluster.core.api;

import io.pincluster.core.cid.Cid;

/**
 * One line of the IPFS node's {@code add} output: an added object ({@code cid} set) or a progress
 * report ({@code cid} null, {@code bytes} so far).
 */
public record IpfsAdded(String name, Cid cid, long bytes, long size) {}
