package com.mstore.hub.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.mstore.hub.testing.FreePorts;
import com.mstore.hub.testing.KafkaClient;
import com.mstore.hub.testing.MqttTestClient;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisSentinel;
import redis.embedded.RedisServer;

/**
 * Redis Sentinel (mstore.redis.sentinels): a master, a replica and three Sentinels of this test's own
 * (the redis-server of embedded-redis); the hub is given only the Sentinels. The master is killed
 * once what the flows wrote has reached the replica (WAIT): the hub follows the failover by itself,
 * the transactions sent before it are not audited again when sent a second time, those sent after it
 * are audited once, and the device registry and cache invalidation work on the new master.
 */
class RedisSentinelFailoverTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String MASTER_NAME = "mstore-test";

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<String, String> settings = TestBrokers.hubSettings();

    @AfterEach
    void stopRedis() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    @Test
    void theHubFollowsAFailoverAndNoTransactionIsAuditedTwice() throws Exception {
        int masterPort = FreePorts.one();
        int replicaPort = FreePorts.one();
        RedisServer master = redisServer(masterPort, null);
        redisServer(replicaPort, masterPort);
        List<String> sentinels = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int port = FreePorts.one();
            RedisSentinel sentinel = RedisSentinel.newRedisSentinel().port(port).bind("127.0.0.1").masterName(MASTER_NAME)
                    .masterPort(masterPort).quorumSize(2).downAfterMilliseconds(1000).failOverTimeout(5000).parallelSyncs(1)
                    .soutListener(line -> { }).serrListener(line -> { }).build();
            sentinel.start();
            started.add(sentinel::stop);
            sentinels.add("127.0.0.1:" + port);
        }
        settings.put("mstore.redis.sentinels", String.join(",", sentinels));
        settings.put("mstore.redis.master-name", MASTER_NAME);
        String topic = settings.get("mstore.transactions.topic");
        String auditTopic = settings.get("mstore.transactions.audit-topic");

        try (RunningHub hub = RunningHub.startWith(settings);
             KafkaClient kafka = new KafkaClient(settings.get("mstore.kafka.brokers"));
             MqttTestClient devices = new MqttTestClient(settings.get("mstore.mqtt.server-uri"))) {
            List<String> before = send(kafka, topic, "A", 20);
            await().atMost(PATIENCE).until(() -> audited(kafka, auditTopic).keySet().containsAll(before));
            try (Jedis onMaster = new Jedis("127.0.0.1", masterPort)) {
                // the hub found the master through the Sentinels: its dedupe keys are there
                await().atMost(PATIENCE).until(() -> onMaster.keys("mstore:idem:transactions:TRX-SENTINEL-" + run + "*").size() == 20);
                // what the flows wrote is on the replica before the master goes: the failover loses none of it
                assertThat(onMaster.waitReplicas(1, 5_000)).isEqualTo(1);
            }

            master.stop();
            await("the Sentinels promote the replica").atMost(PATIENCE).until(() -> masterPortNow(sentinels.get(0)) == replicaPort);

            // the transactions again (as a producer retrying would), and new ones
            send(kafka, topic, "A", 20);
            List<String> after = send(kafka, topic, "B", 20);
            await().atMost(PATIENCE).until(() -> audited(kafka, auditTopic).keySet().containsAll(after));
            await().atMost(PATIENCE).until(() -> kafka.caughtUp(settings.get("mstore.transactions.consumer-group"), topic));
            Map<String, Long> audited = audited(kafka, auditTopic);
            assertThat(audited).hasSize(40);
            assertThat(audited.values()).as("audit records per transaction code").containsOnly(1L);

            // the registry and the invalidation's subscription are on the new master
            String device = "POS-SENTINEL-" + run;
            devices.publish("devices/" + device + "/status", "{\"deviceId\": \"%s\", \"online\": true, \"batteryLevel\": 80, \"lastSeen\": \"%s\"}"
                    .formatted(device, Instant.now()));
            try (Jedis newMaster = new Jedis("127.0.0.1", replicaPort)) {
                await().atMost(PATIENCE).until(() -> newMaster.exists("mstore:device:" + device));
                String key = "cache:sentinel-" + run;
                newMaster.set(key, "cached");
                // published until the hub's subscription has it (pub/sub keeps nothing for a subscriber on its way)
                await().atMost(PATIENCE).until(() -> {
                    newMaster.publish(settings.get("mstore.cache-invalidation.invalidate-channel"), "{\"key\": \"" + key + "\"}");
                    return !newMaster.exists(key);
                });
            }
            await().atMost(PATIENCE).until(() -> hub.get("/observe/health/ready").statusCode() == 200);
        }
    }

    private RedisServer redisServer(int port, Integer replicaOf) throws Exception {
        var builder = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").setting("appendonly no")
                .soutListener(line -> { }).serrListener(line -> { });
        if (replicaOf != null) {
            builder.slaveOf("127.0.0.1", replicaOf);
        }
        RedisServer server = builder.build();
        server.start();
        started.add(server::stop);
        return server;
    }

    private List<String> send(KafkaClient kafka, String topic, String batch, int count) {
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String code = "TRX-SENTINEL-" + run + "-" + batch + i;
            kafka.send(topic, code, "{\"transactionCode\": \"" + code + "\", \"branchId\": 7, \"grandTotal\": " + i + "}");
            codes.add(code);
        }
        return codes;
    }

    private Map<String, Long> audited(KafkaClient kafka, String auditTopic) {
        return kafka.readAll(auditTopic).stream().map(ConsumerRecord::key).filter(key -> key.startsWith("TRX-SENTINEL-" + run))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static int masterPortNow(String sentinel) {
        String[] hostPort = sentinel.split(":");
        try (Jedis jedis = new Jedis(hostPort[0], Integer.parseInt(hostPort[1]))) {
            return Integer.parseInt(jedis.sentinelGetMasterAddrByName(MASTER_NAME).get(1));
        }
    }
}
