package io.pincluster.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.service.LocalCluster;
import io.pincluster.testing.Cids;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pin tracker and IPFS connector against real IPFS nodes (js-ipfs): peers run in this JVM (real
 * Ratis, REST, peer RPC), each driving its own real node.
 */
class RealIpfsIT {
  static final Duration WAIT = Duration.ofMinutes(2);
  static final OkHttpClient HTTP =
      new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60)).build();
  static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path dir;
  JsIpfsNodes nodes;
  LocalCluster cluster;

  @BeforeEach
  void setUp() throws Exception {
    Files.createDirectories(dir.resolve("ipfs"));
    nodes = new JsIpfsNodes(dir.resolve("ipfs"));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    nodes.close();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static Consumer<ObjectNode> with(String section, String sub, String key, String value) {
    return json ->
        ((ObjectNode) (sub == null ? json.get(section) : json.get(section).get(sub)))
            .put(key, value);
  }

  static Consumer<ObjectNode> fastLoops() {
    return json -> {
      ObjectNode c = (ObjectNode) json.get("cluster");
      c.put("state_sync_interval", "2s");
      c.put("ipfs_sync_interval", "2s");
      c.put("pin_recover_interval", "3s");
      ((ObjectNode) json.get("ipfs_connector").get("ipfshttp")).put("pin_timeout", "60s");
    };
  }

  /** Stores random bytes as a raw block in the node; returns its CID. */
  static Cid putBlock(String api) throws IOException {
    byte[] data = new byte[256];
    RANDOM.nextBytes(data);
    RequestBody file = RequestBody.create(data, MediaType.get("application/octet-stream"));
    MultipartBody body =
        new MultipartBody.Builder()
            .setType(MultipartBody.FORM)
            .addFormDataPart("file", "b", file)
            .build();
    String text =
        call(
            new Request.Builder()
                .url(api + "/api/v0/block/put?format=raw&mhtype=sha2-256")
                .post(body)
                .build());
    return Cid.parse(text.replaceAll(".*\"Key\":\"([^\"]+)\".*", "$1").trim());
  }

  static boolean nodePins(String api, Cid cid) throws IOException {
    Request req =
        new Request.Builder()
            .url(api + "/api/v0/pin/ls?type=recursive&arg=" + cid)
            .post(RequestBody.create(new byte[0]))
            .build();
    try (Response r = HTTP.newCall(req).execute()) {
      return r.code() == 200 && r.body().string().contains("recursive");
    }
  }

  static void unpinOnNode(String api, Cid cid) throws IOException {
    call(
        new Request.Builder()
            .url(api + "/api/v0/pin/rm?arg=" + cid)
            .post(RequestBody.create(new byte[0]))
            .build());
  }

  static String call(Request req) throws IOException {
    try (Response r = HTTP.newCall(req).execute()) {
      String text = r.body().string();
      if (r.code() != 200) {
        throw new IOException(req.url() + " answered " + r.code() + ": " + text);
      }
      return text;
    }
  }

  TrackerStatus localStatus(Cid cid) {
    return cluster
        .peer(0)
        .cluster()
        .status(cid, true)
        .peerMap()
        .values()
        .iterator()
        .next()
        .status();
  }

  void startOnePeer(JsIpfsNodes.Node node, Consumer<ObjectNode> tweak) {
    cluster = LocalCluster.start(dir.resolve("cluster"), 1, tweak, List.of(node.apiMultiaddr()));
    await().atMost(WAIT).until(() -> cluster.ready());
  }

  @Test
  void anIpfsNodeStoppedMidPinningGivesAClearPinErrorAndRecoveryPinsItOnceItIsBack()
      throws Exception {
    JsIpfsNodes.Node node = nodes.start("a", freePort(), freePort());
    startOnePeer(node, fastLoops().andThen(with("cluster", null, "pin_recover_interval", "1h")));
    byte[] data = new byte[128];
    RANDOM.nextBytes(data);
    Cid missing = Cids.rawOf(data); // exists nowhere yet: the node keeps looking for it
    cluster
        .peer(0)
        .cluster()
        .pin(missing, PinOptions.DEFAULT.withReplication(-1, -1))
        .get(20, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> localStatus(missing) == TrackerStatus.PINNING);

    nodes.stop("a");
    await().atMost(WAIT).until(() -> localStatus(missing) == TrackerStatus.PIN_ERROR);
    GlobalPinInfo failed = cluster.peer(0).cluster().status(missing, true);
    assertThat(failed.peerMap().values().iterator().next().error()).containsIgnoringCase("IPFS");

    JsIpfsNodes.Node back = nodes.start("a", node.apiPort(), 0);
    Cid stored = putBlockBytes(back.apiUrl(), data);
    assertThat(stored.multihash()).isEqualTo(missing.multihash());
    GlobalPinInfo recovered = cluster.peer(0).cluster().recover(missing, true);
    assertThat(recovered.peerMap().values().iterator().next().status())
        .isEqualTo(TrackerStatus.PINNED);
    assertThat(nodePins(back.apiUrl(), missing)).isTrue();
  }

  static Cid putBlockBytes(String api, byte[] data) throws IOException {
    RequestBody file = RequestBody.create(data, MediaType.get("application/octet-stream"));
    MultipartBody body =
        new MultipartBody.Builder()
            .setType(MultipartBody.FORM)
            .addFormDataPart("file", "b", file)
            .build();
    String text =
        call(
            new Request.Builder()
                .url(api + "/api/v0/block/put?format=raw&mhtype=sha2-256")
                .post(body)
                .build());
    return Cid.parse(text.replaceAll(".*\"Key\":\"([^\"]+)\".*", "$1").trim());
  }

  @Test
  void aPinRemovedBehindTheClustersBackIsDetectedBySyncAndRestoredByRecover() throws Exception {
    JsIpfsNodes.Node node = nodes.start("b", freePort(), freePort());
    startOnePeer(node, fastLoops());
    Cid cid = putBlock(node.apiUrl());
    cluster
        .peer(0)
        .cluster()
        .pin(cid, PinOptions.DEFAULT.withReplication(-1, -1))
        .get(20, TimeUnit.SECONDS);
    await()
        .atMost(WAIT)
        .until(() -> nodePins(node.apiUrl(), cid) && localStatus(cid) == TrackerStatus.PINNED);

    unpinOnNode(node.apiUrl(), cid);
    // the IPFS sync loop notices, then the recover loop pins it again
    await()
        .atMost(WAIT)
        .until(
            () ->
                localStatus(cid) == TrackerStatus.UNEXPECTEDLY_UNPINNED
                    || nodePins(node.apiUrl(), cid));
    await().atMost(WAIT).until(() -> nodePins(node.apiUrl(), cid));
    await().atMost(WAIT).until(() -> localStatus(cid) == TrackerStatus.PINNED);
  }

  @Test
  void bothPinMethodsPinContentFetchedFromAnotherNode() throws Exception {
    JsIpfsNodes.Node a = nodes.start("c", freePort(), freePort());
    JsIpfsNodes.Node b = nodes.start("d", freePort(), freePort());
    cluster =
        LocalCluster.start(
            dir.resolve("cluster"),
            2,
            json -> {
              ObjectNode ipfs = (ObjectNode) json.get("ipfs_connector").get("ipfshttp");
              // the peer driving node a fetches with refs -r first, the other pins directly
              ipfs.put(
                  "pin_method",
                  ipfs.get("node_multiaddress").asText().equals(a.apiMultiaddr().toString())
                      ? "refs"
                      : "pin");
            },
            List.of(a.apiMultiaddr(), b.apiMultiaddr()));
    await().atMost(WAIT).until(() -> cluster.ready());
    List<Cid> cids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      cids.add(putBlock(a.apiUrl()));
    }
    for (Cid c : cids) {
      cluster
          .peer(1)
          .cluster()
          .pin(c, PinOptions.DEFAULT.withReplication(-1, -1))
          .get(20, TimeUnit.SECONDS);
    }
    await()
        .atMost(WAIT)
        .until(() -> cids.stream().allMatch(c -> uncheckedPins(a, c) && uncheckedPins(b, c)));
  }

  static boolean uncheckedPins(JsIpfsNodes.Node n, Cid c) {
    try {
      return nodePins(n.apiUrl(), c);
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void aPinQueueFarSmallerThanThePinsetStillPinsEverythingWithoutErrors() throws Exception {
    JsIpfsNodes.Node node = nodes.start("e", freePort(), freePort());
    startOnePeer(
        node,
        fastLoops()
            .andThen(
                json ->
                    ((ObjectNode) json.get("pin_tracker").get("maptracker"))
                        .put("max_pin_queue_size", 5)));
    List<Cid> cids = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      cids.add(putBlock(node.apiUrl()));
    }
    var pins =
        cids.stream()
            .map(c -> cluster.peer(0).cluster().pin(c, PinOptions.DEFAULT.withReplication(-1, -1)))
            .toList();
    for (var p : pins) {
      p.get(30, TimeUnit.SECONDS);
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(errors()).isZero();
              assertThat(cids.stream().filter(c -> uncheckedPins(node, c)).count())
                  .isEqualTo(cids.size());
            });
    assertThat(errors()).isZero();
  }

  long errors() {
    long n = 0;
    try (CloseableIterator<GlobalPinInfo> all =
        cluster.peer(0).cluster().statusAll(EnumSet.copyOf(TrackerStatus.ERROR), true)) {
      while (all.hasNext()) {
        all.next();
        n++;
      }
    }
    return n;
  }
}
