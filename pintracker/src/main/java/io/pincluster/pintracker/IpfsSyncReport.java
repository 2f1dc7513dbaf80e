package io.pincluster.pintracker;

/**
 * What one IPFS sync did.
 *
 * @param completed false when it was abandoned (IPFS failed mid-listing, or the tracker closed):
 *     nothing was changed then
 * @param listed how many pins IPFS listed
 * @param markedMissing pins allocated here that IPFS lost since the last sync, now
 *     unexpectedly_unpinned
 * @param cleared failures resolved by what IPFS shows (a pin error now pinned, an unpin error now
 *     unpinned)
 * @param error why it was abandoned; empty when completed
 */
public record IpfsSyncReport(
    boolean completed, long listed, long markedMissing, long cleared, String error) {

  static IpfsSyncReport abandoned(long listed, String error) {
    return new IpfsSyncReport(false, listed, 0, 0, error == null ? "" : error);
  }
}
