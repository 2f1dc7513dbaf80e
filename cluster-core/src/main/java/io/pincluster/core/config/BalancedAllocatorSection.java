package io.pincluster.core.config;

import java.util.List;

/** The {@code allocator.balanced} section: metric names to partition and sort peers by. */
public record BalancedAllocatorSection(List<String> allocateBy) {
  public static final String SECTION = "allocator.balanced";

  public BalancedAllocatorSection {
    allocateBy = List.copyOf(Check.notNull("allocate_by", allocateBy));
    if (allocateBy.isEmpty()) {
      throw new IllegalArgumentException("allocate_by must name at least one metric");
    }
  }

  public static BalancedAllocatorSection defaults() {
    return new BalancedAllocatorSection(List.of("freespace"));
  }
}
