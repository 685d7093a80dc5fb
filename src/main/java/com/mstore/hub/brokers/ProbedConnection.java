package com.mstore.hub.brokers;

/**
 * A connection the hub depends on (a broker, the SMTP server), with the probe that says whether it
 * answers: bound in the registry by the connection's own package, shown in {@code /observe/health}.
 */
public interface ProbedConnection {

    BrokerProbe probe();
}
