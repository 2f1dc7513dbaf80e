package io.pincluster.core;

import io.pincluster.core.api.IpfsAdded;
import io.pincluster.core.api.IpfsId;
import io.pincluster.core.api.IpfsPin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.RepoGcKey;
import io.pincluster.core.api.RepoStat;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.Multiaddr;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * This peer's IPFS node, spoken to over its RPC API. Thread-safe; every method blocks for at most
 * its configured timeout and fails with {@link IpfsException} naming the node and the cause.
 * Pinning and unpinning are idempotent.
 */
public interface IpfsConnector extends AutoCloseable {
  /** The node's identity and swarm addresses. */
  IpfsId id();

  /** Pins {@code cid} (fetching it if needed); returns once IPFS reports it pinned. */
  void pin(Cid cid, PinMode mode);

  /**
   * As {@link #pin}, for a CID the caller has no record of in the node (a new pin, or one the node
   * lost): the connector may skip the checks that only save work when the node already holds it.
   * Still idempotent, only slower when the node does hold it. The default is {@link #pin}.
   */
  default void pinNew(Cid cid, PinMode mode) {
    pin(cid, mode);
  }

  /**
   * Pins recursively, without fetching anything, those of {@code cids} whose whole DAG the node
   * already holds, in as few calls as it can; returns those it pinned. The others (a block missing,
   * or anything the node refused) are left out, never thrown: the caller pins each of them by
   * itself ({@link #pinNew}), which fetches and reports the node's own answer. Bounded by {@code
   * pin_timeout} a call; an interrupted caller gets what was pinned so far.
   */
  Set<Cid> pinLocal(List<Cid> cids);

  /** Unpins {@code cid}; a CID that is not pinned counts as success. */
  void unpin(Cid cid);

  /** How {@code cid} is pinned on the node, or empty when it is not pinned. */
  Optional<PinMode> pinStatus(Cid cid);

  /** The repository's size and limit. */
  RepoStat repoStat();

  /**
   * Every recursive and direct pin of the node, streamed as the node sends them (never loaded whole
   * into memory). The caller closes the iterator; a failure mid-stream is thrown from it.
   */
  CloseableIterator<IpfsPin> pinLs();

  /**
   * Pins {@code to} by updating the recursive pin of {@code from} (IPFS {@code pin/update}, which
   * fetches only the difference); {@code from} stays pinned. Falls back to pinning {@code to} on
   * nodes without {@code pin/update}. Bounded like {@link #pin}.
   */
  void pinUpdate(Cid from, Cid to);

  /**
   * Runs the node's garbage collection ({@code repo/gc}), bounded by {@code repogc_timeout}; one
   * entry per removed block (or error), streamed. The caller closes the iterator.
   */
  CloseableIterator<RepoGcKey> repoGc();

  /** The IPFS peer IDs the node is connected to. */
  java.util.List<String> swarmPeers();

  /** Stores a block ({@code block/put}) and returns its CID. */
  Cid blockPut(byte[] data, String format);

  /** Resolves an IPFS path ({@code /ipfs/…}, {@code /ipns/…}, {@code /ipld/…}) to a CID. */
  Cid resolve(String path);

  /**
   * Adds content ({@code add}): the multipart body is streamed to the node as is, with {@code
   * params} (Kubo's add options) and {@code pin=false}; the node's output lines are streamed back.
   * Bounded by {@code ipfs_request_timeout} of silence. The caller closes the iterator.
   */
  CloseableIterator<IpfsAdded> add(
      java.io.InputStream body, String contentType, java.util.Map<String, String> params);

  /**
   * Imports a CAR ({@code dag/import}, multipart body streamed as is, no pinning) and returns its
   * root CIDs.
   */
  java.util.List<Cid> dagImport(java.io.InputStream body, String contentType);

  /** The node's version text. */
  String version();

  /** Connects the node to another IPFS node ({@code …/p2p/<id>}). */
  void swarmConnect(Multiaddr address);

  @Override
  void close();
}
