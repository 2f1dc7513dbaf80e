package io.pincluster.ctl;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinType;
import io.pincluster.ctl.internal.CtlException;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pin ls [cid]}: {@code GET /allocations} (streamed) or {@code GET /allocations/{cid}}. */
@Command(
    name = "ls",
    description = {
      "List the items of the cluster pinset and where they are allocated. This is the shared"
          + " state, not what IPFS has pinned: use \"status\" for that."
    })
final class PinLsCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  private final CtlContext ctx;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "<cid>",
      description = "Show only this CID.")
  String cid;

  @Option(
      names = "--filter",
      paramLabel = "<types>",
      defaultValue = "all",
      description =
          "Comma-separated pin types when listing everything: all (default), pin, meta-pin,"
              + " clusterdag-pin, shard-pin.")
  String filter;

  PinLsCommand(CtlContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    if (cid != null) {
      Pin pin = ctx.client().allocation(Args.cid(cid));
      ctx.output().print(pin);
      return 0;
    }
    Set<PinType> types = types(filter);
    try (CloseableIterator<Pin> pins = ctx.client().allocations(types)) {
      ctx.output().printAll(pins);
    }
    return 0;
  }

  /** The pin types of {@code --filter}; empty means all. */
  static Set<PinType> types(String filter) {
    Set<PinType> types = EnumSet.noneOf(PinType.class);
    for (String raw : filter.split(",")) {
      String name = raw.trim();
      if (name.isEmpty() || name.equals("all")) {
        return EnumSet.noneOf(PinType.class);
      }
      try {
        types.add(PinType.fromWire(name));
      } catch (IllegalArgumentException e) {
        throw CtlException.failure(
            "--filter \""
                + filter
                + "\": unknown pin type \""
                + name
                + "\" (use all, pin, meta-pin, clusterdag-pin or shard-pin)");
      }
    }
    return types;
  }
}
