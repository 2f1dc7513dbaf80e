package io.pincluster.ctl;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.PeerInfo;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import io.pincluster.ctl.internal.CtlException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code peers}: list, add and remove cluster members. */
@Command(
    name = "peers",
    description = "List, add and remove cluster peers.",
    subcommands = {PeersCommand.Ls.class, PeersCommand.Add.class, PeersCommand.Rm.class})
final class PeersCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** {@code peers ls}: {@code GET /peers}, streamed. */
  @Command(
      name = "ls",
      description = "List every cluster peer as it sees itself; unreachable ones show their error.")
  static final class Ls implements Callable<Integer> {
    @Mixin HelpOption helpOption;

    private final CtlContext ctx;

    Ls(CtlContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      try (CloseableIterator<PeerInfo> peers = ctx.client().peers()) {
        ctx.output().printAll(peers);
      }
      return 0;
    }
  }

  /** {@code peers add <multiaddr>}: {@code POST /peers}, prints the added peer like {@code id}. */
  @Command(
      name = "add",
      description = {
        "Add a running peer to the cluster, given its cluster address"
            + " /ip4/<host>/tcp/<port>/p2p/<peerID>. Prints the peer once it is a member.",
        "(Peers usually join with 'cluster-service daemon --bootstrap <address>'.)"
      })
  static final class Add implements Callable<Integer> {
    @Mixin HelpOption helpOption;

    @Parameters(index = "0", paramLabel = "<multiaddr>", description = "The peer's address.")
    String address;

    private final CtlContext ctx;

    Add(CtlContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      Multiaddr m;
      try {
        m = Multiaddr.parse(address.trim());
      } catch (IllegalArgumentException e) {
        throw CtlException.failure(e.getMessage());
      }
      if (m.peerId().isEmpty()) {
        throw CtlException.failure(
            "the address " + m + " must end with /p2p/<peerID>, the ID of the peer to add");
      }
      ctx.output().print(ctx.client().peerAdd(m));
      return 0;
    }
  }

  /** {@code peers rm <peerID>}: {@code DELETE /peers/{id}}; prints nothing when it worked. */
  @Command(
      name = "rm",
      description = {
        "Remove a peer from the cluster. The removed peer, if it is running, shuts down and"
            + " moves its state aside; it must be cleaned before it can join again."
      })
  static final class Rm implements Callable<Integer> {
    @Mixin HelpOption helpOption;

    @Parameters(index = "0", paramLabel = "<peerID>", description = "The peer to remove.")
    String peer;

    private final CtlContext ctx;

    Rm(CtlContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      PeerId id;
      try {
        id = PeerId.parse(peer.trim());
      } catch (IllegalArgumentException e) {
        throw CtlException.failure(e.getMessage());
      }
      ctx.client().peerRemove(id);
      return 0;
    }
  }
}
