package verifyemulator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/** Where the binary comes from (a path, the environment, PATH, a release tarball) and the transparent mode's files. */
public final class Release {
    private Release() {}

    /**
     * The verify-emulator to run: {@code binary} when given; else the release tarball
     * {@code release}; else VERIFY_EMULATOR_BIN, VERIFY_EMULATOR_RELEASE, verify-emulator on PATH.
     */
    public static String findBinary(String binary, String release) {
        if (binary != null) return checked(binary, "the binary given");
        if (release != null) return unpack(release);
        String fromEnv = System.getenv("VERIFY_EMULATOR_BIN");
        if (fromEnv != null && !fromEnv.isEmpty()) return checked(fromEnv, "VERIFY_EMULATOR_BIN");
        String releaseFromEnv = System.getenv("VERIFY_EMULATOR_RELEASE");
        if (releaseFromEnv != null && !releaseFromEnv.isEmpty()) return unpack(releaseFromEnv);
        for (String folder : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!folder.isEmpty() && executable(Path.of(folder, "verify-emulator"))) {
                return Path.of(folder, "verify-emulator").toString();
            }
        }
        throw new EmulatorException(
                "verify-emulator not found (looked at VERIFY_EMULATOR_BIN, VERIFY_EMULATOR_RELEASE and PATH): build it "
                        + "with `swift build`, set VERIFY_EMULATOR_BIN, or use Options.release(<release tarball path or URL>)");
    }

    private static boolean executable(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }

    private static String checked(String path, String what) {
        if (!Files.exists(Path.of(path))) throw new EmulatorException("verify-emulator not found at " + path + " (" + what + ")");
        if (!executable(Path.of(path))) throw new EmulatorException(path + " (" + what + ") is not an executable file");
        return path;
    }

    /** VERIFY_EMULATOR_CACHE, else $XDG_CACHE_HOME/verify-emulator, else ~/.cache/verify-emulator. */
    public static Path cacheFolder() {
        String cache = System.getenv("VERIFY_EMULATOR_CACHE");
        if (cache != null && !cache.isEmpty()) return Path.of(cache);
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isEmpty()) return Path.of(xdg, "verify-emulator");
        return Path.of(System.getProperty("user.home"), ".cache", "verify-emulator");
    }

    private static byte[] read(String source, String what) {
        if (source.startsWith("http://") || source.startsWith("https://")) {
            try {
                HttpResponse<byte[]> response = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create(source)).timeout(Duration.ofMinutes(2)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    throw new EmulatorException("cannot download " + what + " " + source + ": HTTP " + response.statusCode());
                }
                return response.body();
            } catch (IOException e) {
                throw new EmulatorException("cannot download " + what + " " + source + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EmulatorException("interrupted downloading " + source);
            }
        }
        try {
            return Files.readAllBytes(Path.of(source));
        } catch (NoSuchFileException e) {
            throw new EmulatorException("cannot read " + what + " " + source + ": no such file");
        } catch (IOException e) {
            throw new EmulatorException("cannot read " + what + " " + source + ": " + e.getMessage());
        }
    }

    /**
     * Checks the release tarball at {@code source} (a path or URL) against the .sha256 file
     * beside it, unpacks it in {@link #cacheFolder()} (once) and returns its verify-emulator.
     */
    public static String unpack(String source) {
        byte[] tarball = read(source, "the release tarball");
        String expected = new String(read(source + ".sha256", "the release checksum"), StandardCharsets.UTF_8).trim()
                .split("\\s+")[0];
        String actual;
        try {
            actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tarball));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!actual.equals(expected)) {
            throw new EmulatorException("the release tarball " + source + " does not match its .sha256 (" + expected
                    + "): its SHA-256 is " + actual);
        }
        Path folder = cacheFolder().resolve(actual);
        String found = binaryIn(folder);
        if (found != null) return found;
        Path staging = null;
        try {
            Files.createDirectories(cacheFolder());
            staging = Files.createTempDirectory(cacheFolder(), ".unpacking-");
            Path archive = staging.resolve("release.tar.gz");
            Files.write(archive, tarball);
            Path tree = Files.createDirectory(staging.resolve("tree"));
            Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", tree.toString())
                    .redirectErrorStream(true).start();
            String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (tar.waitFor() != 0) throw new EmulatorException("cannot unpack the release tarball " + source + ": " + output);
            try {
                Files.move(tree, folder, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // another process unpacked the same tarball first: its copy is as good
                if (binaryIn(folder) == null) throw e;
            }
        } catch (IOException e) {
            throw new EmulatorException("cannot unpack the release tarball " + source + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmulatorException("interrupted unpacking " + source);
        } finally {
            if (staging != null) delete(staging);
        }
        found = binaryIn(folder);
        if (found == null) throw new EmulatorException("the release tarball " + source + " holds no bin/verify-emulator");
        return found;
    }

    private static String binaryIn(Path folder) {
        if (!Files.isDirectory(folder)) return null;
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.map(entry -> entry.resolve("bin").resolve("verify-emulator")).filter(Release::executable)
                    .map(Path::toString).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static void delete(Path path) {
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(entry -> entry.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind
        }
    }

    private static String systemRoots() {
        for (String candidate : new String[] {
            "/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem", "/etc/pki/tls/certs/ca-bundle.crt"}) {
            try {
                String text = Files.readString(Path.of(candidate));
                if (text.contains("BEGIN CERTIFICATE") && !text.contains("verify-emulator local CA")) return text;
            } catch (IOException e) {
                // the next candidate
            }
        }
        return "";
    }

    static Map<String, String> environment(VerifyEmulator emulator, Path folder) {
        try {
            Files.createDirectories(folder);
            String ca = emulator.caPem();
            Path caPath = folder.resolve("ca.pem");
            Files.writeString(caPath, ca);
            String roots = systemRoots();
            if (!roots.isEmpty() && !roots.endsWith("\n")) roots += "\n";
            Path bundle = folder.resolve("ca-bundle.pem");
            Files.writeString(bundle, roots + "# verify-emulator local CA\n" + ca);
            Path trustStore = folder.resolve("truststore.p12");
            writeTrustStore(ca, trustStore);
            String noProxy = "localhost,127.0.0.1,::1";
            Map<String, String> env = new LinkedHashMap<>();
            for (String name : new String[] {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"}) {
                env.put(name, emulator.url());
            }
            env.put("NO_PROXY", noProxy);
            env.put("no_proxy", noProxy);
            for (String name : new String[] {"SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"}) {
                env.put(name, bundle.toString());
            }
            env.put("NODE_EXTRA_CA_CERTS", caPath.toString());
            env.put("JAVA_TOOL_OPTIONS", "-Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort=" + emulator.port()
                    + " -Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=" + emulator.port()
                    + " -Dhttp.nonProxyHosts=localhost|127.0.0.1 -Djavax.net.ssl.trustStore=" + trustStore
                    + " -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12");
            return env;
        } catch (IOException e) {
            throw new EmulatorException("cannot write the CA files to " + folder + ": " + e.getMessage());
        }
    }

    /** A PKCS#12 trust store: the JDK's own roots and the emulator's CA (password changeit). */
    private static void writeTrustStore(String caPem, Path path) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
            if (Files.exists(cacerts)) {
                KeyStore jdk = KeyStore.getInstance(KeyStore.getDefaultType());
                try (InputStream in = Files.newInputStream(cacerts)) {
                    jdk.load(in, "changeit".toCharArray());
                }
                for (String alias : java.util.Collections.list(jdk.aliases())) {
                    if (jdk.isCertificateEntry(alias)) store.setCertificateEntry(alias, jdk.getCertificate(alias));
                }
            }
            store.setCertificateEntry("verify-emulator-local-ca", CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII))));
            try (OutputStream out = Files.newOutputStream(path)) {
                store.store(out, "changeit".toCharArray());
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot make the trust store: " + e.getMessage(), e);
        }
    }
}
