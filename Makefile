# The two commands of the README. Both install what is missing first (scripts/install-prerequisites.sh).
MVN := ./mvnw -B
CLASSPATH_FILE := target/test-classpath.txt

.PHONY: run demo test bench soak prerequisites build

## run: start the hub in dev mode on local brokers at the standard ports (Ctrl-C stops everything)
run: prerequisites build
	exec java -cp "target/classes:target/test-classes:$$(cat $(CLASSPATH_FILE))" com.mstore.hub.dev.DevHub

## demo: as run, plus demo traffic on every flow (one message per flow each mstore.demo.interval-ms)
demo: prerequisites build
	exec java -cp "target/classes:target/test-classes:$$(cat $(CLASSPATH_FILE))" com.mstore.hub.dev.DevHub --demo

## test: the whole test suite against real brokers (what CI runs)
test: prerequisites
	$(MVN) verify

## bench: each flow through the hub and through a plain client, side by side (results in target/bench;
## BENCH_ARGS passes options, e.g. BENCH_ARGS="--runs 5 --messages 5000")
bench: prerequisites build
	java -Dlogback.configurationFile=src/test/resources/logback-bench.xml \
		-cp "target/classes:target/test-classes:$$(cat $(CLASSPATH_FILE))" com.mstore.hub.bench.Benchmark $(BENCH_ARGS)

## soak: two hubs on brokers of their own, every flow, faults drawn from a seed, for SOAK_MINUTES (10);
## the report (JSON and Markdown) goes to target/soak, and SOAK_SEED runs a seed again
soak: prerequisites build
	java -cp "target/classes:target/test-classes:$$(cat $(CLASSPATH_FILE))" com.mstore.hub.faults.Soak

prerequisites:
	@scripts/install-prerequisites.sh

build:
	$(MVN) -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$(CLASSPATH_FILE)
