package io.pincluster.distribution;

import static io.pincluster.distribution.RealIpfsIT.HTTP;
import static io.pincluster.distribution.RealIpfsIT.call;
import static io.pincluster.distribution.RealIpfsIT.freePort;
import static io.pincluster.distribution.RealIpfsIT.nodePins;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pincluster.core.api.Pin;
import io.pincluster.core.cid.Cid;
import io.pincluster.service.LocalCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IPFS proxy of a running peer driven by a plain Kubo RPC client (OkHttp) in front of a real
 * IPFS node (js-ipfs): intercepted calls go through the cluster, the others reach the node.
 */
class RealIpfsProxyIT {
  static final Duration WAIT = Duration.ofMinutes(2);
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  JsIpfsNodes nodes;
  LocalCluster cluster;

  @AfterEach
  void tearDown() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (nodes != null) {
      nodes.close();
    }
  }

  static String post(String url) throws Exception {
    return call(new Request.Builder().url(url).post(RequestBody.create(new byte[0])).build());
  }

  Optional<Pin> allocation(Cid cid) {
    return cluster.peer(0).cluster().allocation(cid);
  }

  @Test
  void aKuboClientAddsPinsListsCatsAndUnpinsThroughTheProxy() throws Exception {
    Files.createDirectories(dir.resolve("ipfs"));
    nodes = new JsIpfsNodes(dir.resolve("ipfs"));
    JsIpfsNodes.Node node = nodes.start("p", freePort(), freePort());
    cluster =
        LocalCluster.start(dir.resolve("cluster"), 1, json -> {}, List.of(node.apiMultiaddr()));
    await().atMost(WAIT).until(() -> cluster.ready());
    String proxy =
        "http://127.0.0.1:" + cluster.peer(0).ipfsProxyAddresses().get(0).getPort() + "/api/v0";

    // add: stored by the node, pinned by the cluster, answered in Kubo's shape
    byte[] content = ("proxy content " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
    MultipartBody body =
        new MultipartBody.Builder()
            .setType(MultipartBody.FORM)
            .addFormDataPart(
                "file",
                "note.txt",
                RequestBody.create(content, MediaType.get("application/octet-stream")))
            .build();
    String added = call(new Request.Builder().url(proxy + "/add?cid-version=1").post(body).build());
    JsonNode last = null;
    for (String line : added.split("\n")) {
      if (!line.isBlank()) {
        last = JSON.readTree(line);
      }
    }
    assertThat(last.get("Name").asText()).isEqualTo("note.txt");
    Cid cid = Cid.parse(last.get("Hash").asText());
    assertThat(allocation(cid)).isPresent();
    await().atMost(WAIT).until(() -> nodePins(node.apiUrl(), cid));

    // forwarded unchanged: cat streams the node's bytes, version is the node's
    try (Response r =
        HTTP.newCall(
                new Request.Builder()
                    .url(proxy + "/cat?arg=" + cid)
                    .post(RequestBody.create(new byte[0]))
                    .build())
            .execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().bytes()).isEqualTo(content);
    }
    assertThat(JSON.readTree(post(proxy + "/version")).get("Version").asText()).isNotBlank();

    // intercepted: pin/ls answers from the cluster pinset
    JsonNode ls = JSON.readTree(post(proxy + "/pin/ls?arg=" + cid));
    assertThat(ls.get("Keys").get(cid.toString()).get("Type").asText()).isEqualTo("recursive");
    assertThat(JSON.readTree(post(proxy + "/repo/stat")).get("RepoSize").asLong()).isPositive();

    // pin/rm: gone from the cluster, then from the node
    JsonNode rm = JSON.readTree(post(proxy + "/pin/rm?arg=" + cid));
    assertThat(rm.get("Pins").get(0).asText()).isEqualTo(cid.toString());
    assertThat(allocation(cid)).isEmpty();
    await().atMost(WAIT).until(() -> !nodePins(node.apiUrl(), cid));

    // pin/add of content the node has: pinned again through the cluster
    JsonNode pinned = JSON.readTree(post(proxy + "/pin/add?arg=" + cid));
    assertThat(pinned.get("Pins").get(0).asText()).isEqualTo(cid.toString());
    assertThat(allocation(cid)).isPresent();
    await().atMost(WAIT).until(() -> nodePins(node.apiUrl(), cid));
  }
}
