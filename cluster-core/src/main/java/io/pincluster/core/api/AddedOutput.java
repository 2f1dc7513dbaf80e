package io.pincluster.core.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.PeerId;
import java.util.List;

/**
 * One object added by {@code POST /add}: {@code {"name","cid","bytes","size","allocations"}}; the
 * last three are left out when zero or empty (progress lines carry only {@code name} and {@code
 * bytes}; the root carries its allocations once pinned).
 */
public record AddedOutput(
    String name,
    Cid cid,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) long bytes,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) long size,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<PeerId> allocations) {

  public AddedOutput {
    name = name == null ? "" : name;
    allocations = allocations == null ? List.of() : List.copyOf(allocations);
  }
}
