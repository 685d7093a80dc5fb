package com.mstore.hub.devices;

import java.time.Clock;

import com.mstore.hub.json.Timestamps;
import com.mstore.hub.workers.OrderedWorkers;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.builder.ExpressionBuilder;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Constants;
import org.apache.camel.util.TimeUtils;
import org.springframework.data.redis.core.StringRedisTemplate;

/** What routes/devices.camel.yaml calls by name (mstore.devices.*); its MQTT session is DeviceStatusSession. */
@Configuration
public class DevicesBeans implements CamelConfiguration {

    @PropertyInject("mstore.devices.low-battery")
    private int lowBattery;

    @PropertyInject("mstore.devices.offline-after")
    private String offlineAfter;

    @PropertyInject("mstore.devices.retention")
    private String retention;

    @PropertyInject("mstore.devices.max-devices")
    private long maxDevices;

    @PropertyInject("mstore.devices.max-new-per-window")
    private long maxNewPerWindow;

    @PropertyInject("mstore.devices.new-window")
    private String newWindow;

    @PropertyInject("mstore.devices.sweep-batch-size")
    private int sweepBatch;

    @PropertyInject("mstore.devices.workers")
    private int workers;

    @BindToRegistry(value = "deviceRegistry", lazy = true)
    public DeviceRegistry deviceRegistry(StringRedisTemplate redisTemplate, Timestamps eventTimestamps) {
        return new DeviceRegistry(redisTemplate, lowBattery, TimeUtils.toMilliSeconds(offlineAfter), Clock.systemUTC(),
                eventTimestamps, new DeviceRegistry.Limits(TimeUtils.toMilliSeconds(retention), maxDevices, maxNewPerWindow,
                        TimeUtils.toMilliSeconds(newWindow), sweepBatch));
    }

    /** Statuses applied side by side, each device's in order (its topic names it). */
    @BindToRegistry("deviceStatusWorkers")
    public OrderedWorkers deviceStatusWorkers(CamelContext context) {
        return new OrderedWorkers(context, "device-status", workers, ExpressionBuilder.headerExpression(PahoMqtt5Constants.MQTT_TOPIC));
    }
}
