package com.mstore.hub.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import com.mstore.hub.config.InvalidSettingException;

/**
 * The certificate authorities the hub trusts on its TLS connections to brokers and SMTP: the JVM's
 * own, plus those in the PEM file of {@code mstore.tls.ca-file} (a private CA, as a Kubernetes
 * Secret or cert-manager provides it). Its context's client sockets also check the server's name
 * ({@link HostnameCheckingSslContext}).
 */
public final class BrokerTrust {

    private final Path caFile;
    private final SSLContext sslContext;

    private BrokerTrust(Path caFile, SSLContext sslContext) {
        this.caFile = caFile;
        this.sslContext = sslContext;
    }

    /** @param caFile a PEM file of CA certificates, or blank for the JVM's CAs only */
    public static BrokerTrust of(String caFile) {
        try {
            if (caFile == null || caFile.isBlank()) {
                SSLContext jvmDefault = SSLContext.getDefault();
                // a hub started before in this JVM (tests, dev mode) may have installed one already
                return new BrokerTrust(null, jvmDefault instanceof HostnameCheckingSslContext checking ? checking
                        : new HostnameCheckingSslContext(jvmDefault));
            }
            Path pem = Path.of(caFile.trim());
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int index = 0;
            for (X509Certificate jvmCa : jvmTrustManager().getAcceptedIssuers()) {
                trusted.setCertificateEntry("jvm-" + index++, jvmCa);
            }
            Collection<? extends Certificate> ours = readPem(pem);
            if (ours.isEmpty()) {
                throw new InvalidSettingException("mstore.tls.ca-file", caFile, "holds no PEM certificate");
            }
            for (Certificate ca : ours) {
                trusted.setCertificateEntry("mstore-" + index++, ca);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return new BrokerTrust(pem, new HostnameCheckingSslContext(context));
        } catch (GeneralSecurityException | IOException e) {
            throw new InvalidSettingException("mstore.tls.ca-file", caFile, "cannot be read as PEM certificates: " + e.getMessage(), e);
        }
    }

    public SSLContext sslContext() {
        return sslContext;
    }

    /** The PEM file, for clients that read their trust from a file (Kafka, Lettuce). */
    public Optional<Path> caFile() {
        return Optional.ofNullable(caFile);
    }

    /**
     * Makes this the JVM's default SSL context. jnats (tls:// servers, and nats:// ones that ask
     * for TLS) and JavaMail take the default when given none, so one call covers them; the hub is
     * the only application in its JVM. Installed with or without a CA file: the JVM's own default
     * does not check host names on jnats' sockets.
     */
    public void installAsJvmDefault() {
        SSLContext.setDefault(sslContext);
    }

    private static Collection<? extends Certificate> readPem(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }

    private static X509TrustManager jvmTrustManager() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("the JVM has no X.509 trust manager");
    }
}
