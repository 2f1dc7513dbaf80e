package io.pincluster.pintracker;

class InMemoryTrackerStoreTest extends TrackerStoreContract {
  @Override
  protected TrackerStore open() {
    return new InMemoryTrackerStore();
  }
}
