// The MStore backend's side of every flow, written as the Go backend writes it: its own client
// libraries (Debian's packages, GOPATH mode), structs without JSON tags (so PascalCase field names)
// and time.Time values (RFC 3339 with nanoseconds). InteropTest builds and runs it against a test
// hub and checks each flow's effect; the reply to order.get is printed on stdout for it.
//
// Addresses and names come from the environment (see main); every step fails the program with a
// non-zero exit and a message on stderr.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/nats-io/nats.go"
	kafka "github.com/segmentio/kafka-go"
	"github.com/streadway/amqp"
	redis "gopkg.in/redis.v5"
)

// The payloads, shaped as the backend's own structs (CONTRACTS.md).

type TransactionCreatedEvent struct {
	TransactionCode string
	BranchID        uint64
	GrandTotal      int64
	CustomerEmail   string
	CreatedAt       time.Time
}

type OrderItem struct {
	ProductID uint64
	Quantity  int
}

type Order struct {
	OrderID       string
	BranchID      uint64
	Status        string
	Items         []OrderItem
	Total         int64
	CustomerEmail string
	UpdatedAt     time.Time
}

type StockReservedEvent struct {
	OrderID    string
	ProductID  uint64
	Quantity   int
	ReservedAt time.Time
}

type OrderRequest struct {
	OrderID string
}

type EmailJob struct {
	JobID         string
	Type          string
	TransactionID uint64
	To            string
	Priority      uint8
}

type DeviceStatus struct {
	DeviceID     string
	Online       bool
	BatteryLevel int
	LastSeen     time.Time
}

type CacheInvalidation struct {
	Key string
}

func main() {
	run := env("MSTORE_RUN")
	branch, _ := strconv.ParseUint(env("MSTORE_BRANCH"), 10, 64)

	publishTransaction(env("KAFKA_BROKERS"), env("KAFKA_TOPIC"), TransactionCreatedEvent{
		TransactionCode: "TRX-GO-" + run, BranchID: branch, GrandTotal: 125000,
		CustomerEmail: "go-" + run + "@example.com", CreatedAt: time.Now(),
	})
	reply := orderCreatedReservedAndFetched(env("NATS_URL"), run, branch)
	enqueueEmailJob(env("AMQP_URL"), env("EMAIL_QUEUE"), EmailJob{
		JobID: "JOB-GO-" + run, Type: "transaction_receipt", TransactionID: 42, To: "job-go-" + run + "@example.com", Priority: 5,
	})
	publishDeviceStatus(env("MQTT_URL"), DeviceStatus{DeviceID: "POS-GO-" + run, Online: true, BatteryLevel: 81, LastSeen: time.Now()})
	invalidateCacheKey(env("REDIS_ADDR"), env("CACHE_CHANNEL"), "cache:product:go-"+run)
	fmt.Println(reply)
}

func publishTransaction(brokers, topic string, event TransactionCreatedEvent) {
	writer := kafka.NewWriter(kafka.WriterConfig{Brokers: []string{brokers}, Topic: topic, Balancer: &kafka.Hash{}, RequiredAcks: -1})
	defer writer.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	check("kafka publish", writer.WriteMessages(ctx, kafka.Message{Key: []byte(event.TransactionCode), Value: marshal(event)}))
}

// The creation and the reservation on two connections, as two services publish them, stamped in
// the order they happen; then order.get through a third, as the HTTP API does.
func orderCreatedReservedAndFetched(url, run string, branch uint64) string {
	orders, err := nats.Connect(url)
	check("nats connect", err)
	defer orders.Close()
	inventory, err := nats.Connect(url)
	check("nats connect", err)
	defer inventory.Close()
	orderID := "ORD-GO-" + run
	created := Order{OrderID: orderID, BranchID: branch, Status: "created", Items: []OrderItem{{ProductID: 5, Quantity: 2}},
		Total: 30000, UpdatedAt: time.Now()}
	reserved := StockReservedEvent{OrderID: orderID, ProductID: 5, Quantity: 2, ReservedAt: time.Now()}
	check("nats publish", inventory.Publish(env("RESERVED_SUBJECT"), marshal(reserved)))
	check("nats publish", orders.Publish(env("CREATED_SUBJECT"), marshal(created)))
	check("nats flush", orders.Flush())
	check("nats flush", inventory.Flush())
	deadline := time.Now().Add(30 * time.Second)
	for {
		msg, err := orders.Request(env("ORDER_GET_SUBJECT"), marshal(OrderRequest{OrderID: orderID}), 5*time.Second)
		check("order.get", err)
		var order map[string]interface{}
		check("order.get reply", json.Unmarshal(msg.Data, &order))
		if order["status"] == "stock_reserved" && order["total"] != nil {
			return string(msg.Data)
		}
		if time.Now().After(deadline) {
			fail("order.get", fmt.Errorf("the order never showed its reservation and creation: %s", msg.Data))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func enqueueEmailJob(url, queue string, job EmailJob) {
	connection, err := amqp.Dial(url)
	check("amqp dial", err)
	defer connection.Close()
	channel, err := connection.Channel()
	check("amqp channel", err)
	check("amqp confirm", channel.Confirm(false))
	confirms := channel.NotifyPublish(make(chan amqp.Confirmation, 1))
	check("amqp publish", channel.Publish("", queue, true, false, amqp.Publishing{
		ContentType: "application/json", DeliveryMode: amqp.Persistent, Priority: job.Priority, Body: marshal(job),
	}))
	select {
	case confirmation := <-confirms:
		if !confirmation.Ack {
			fail("amqp publish", fmt.Errorf("RabbitMQ refused the job"))
		}
	case <-time.After(10 * time.Second):
		fail("amqp publish", fmt.Errorf("no confirm"))
	}
}

func publishDeviceStatus(url string, status DeviceStatus) {
	options := mqtt.NewClientOptions().AddBroker(url).SetClientID("go-backend-" + status.DeviceID)
	client := mqtt.NewClient(options)
	token := client.Connect()
	token.Wait()
	check("mqtt connect", token.Error())
	defer client.Disconnect(250)
	token = client.Publish("devices/"+status.DeviceID+"/status", 1, false, marshal(status))
	token.Wait()
	check("mqtt publish", token.Error())
}

func invalidateCacheKey(addr, channel, key string) {
	client := redis.NewClient(&redis.Options{Addr: addr})
	defer client.Close()
	check("redis set", client.Set(key, "stale", 0).Err())
	// the hub subscribes asynchronously: publish until one subscriber took it
	for i := 0; i < 100; i++ {
		receivers, err := client.Publish(channel, string(marshal(CacheInvalidation{Key: key}))).Result()
		check("redis publish", err)
		if receivers > 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	fail("redis publish", fmt.Errorf("nobody subscribed to %s", channel))
}

func marshal(value interface{}) []byte {
	bytes, err := json.Marshal(value)
	check("json", err)
	return bytes
}

func env(name string) string {
	value := os.Getenv(name)
	if value == "" {
		fail("environment", fmt.Errorf("%s is not set", name))
	}
	return value
}

func check(step string, err error) {
	if err != nil {
		fail(step, err)
	}
}

func fail(step string, err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", step, err)
	os.Exit(1)
}
