package com.mstore.hub.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import org.apache.camel.Exchange;

/**
 * Serves the console, one self-contained page (console/index.html on the classpath), read once.
 * Not a simple-language resource: the page's script would be read as placeholders.
 */
public class ConsolePage {

    private final byte[] page;

    public ConsolePage() {
        try (InputStream in = ConsolePage.class.getClassLoader().getResourceAsStream("console/index.html")) {
            if (in == null) {
                throw new IllegalStateException("console/index.html is missing from the classpath");
            }
            page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void serve(Exchange exchange) {
        exchange.getMessage().setBody(page);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
        // the page asks for the API key itself; nothing secret is in it, but it should not go stale
        exchange.getMessage().setHeader("Cache-Control", "no-cache");
    }
}
