package dev.closer.inference;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.inference.tabular.FeatureSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * One exported model version as {@code ml/} writes it: {@code model.onnx}, {@code features.json}, and optionally
 * {@code metrics.json}, {@code card.md} and {@code reference.json} (the training data's distributions, for drift).
 * Read from a directory or from the classpath (the app ships the committed bundles inside its jar).
 *
 * @param sha256 hex SHA-256 of {@code model.onnx}, recorded in the model registry
 */
public record ModelBundle(FeatureSpec spec, byte[] model, String sha256, Optional<JsonNode> metrics,
                          Optional<String> card, Optional<JsonNode> reference) {

    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public String name() {
        return spec.name();
    }

    public String version() {
        return spec.version();
    }

    /** {@code name/version}, as used in logs. */
    public String id() {
        return spec.name() + "/" + spec.version();
    }

    public static ModelBundle fromDirectory(Path dir) {
        return from(Files.directory(dir));
    }

    /**
     * From files already in memory, by file name (e.g. the copies the model registry keeps in its database).
     *
     * @param where names the source in error messages
     */
    public static ModelBundle fromFiles(String where, Map<String, byte[]> files) {
        return from(Files.of(where, files));
    }

    /**
     * @param prefix resource folder, e.g. {@code models/lead-score/v0}
     */
    public static ModelBundle fromClasspath(String prefix, ClassLoader loader) {
        return from(Files.classpath(prefix, loader));
    }

    /** Where a bundle's files are read from: a folder, the classpath or memory. */
    public interface Files {
        /** The file's bytes; empty when there is no such file. */
        Optional<byte[]> read(String file) throws IOException;

        /** Names the source in error messages. */
        String where();

        /** A required file's bytes. */
        default byte[] require(String file) throws IOException {
            return read(file).orElseThrow(() -> new InferenceException("No " + file + " in " + where()));
        }

        static Files directory(Path dir) {
            return new Files() {
                @Override
                public Optional<byte[]> read(String file) throws IOException {
                    try {
                        return Optional.of(java.nio.file.Files.readAllBytes(dir.resolve(file)));
                    } catch (NoSuchFileException e) {
                        return Optional.empty();
                    }
                }

                @Override
                public String where() {
                    return dir.toString();
                }
            };
        }

        static Files classpath(String prefix, ClassLoader loader) {
            return new Files() {
                @Override
                public Optional<byte[]> read(String file) throws IOException {
                    try (InputStream in = loader.getResourceAsStream(prefix + "/" + file)) {
                        return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
                    }
                }

                @Override
                public String where() {
                    return "classpath:" + prefix;
                }
            };
        }

        static Files of(String where, Map<String, byte[]> files) {
            return new Files() {
                @Override
                public Optional<byte[]> read(String file) {
                    return Optional.ofNullable(files.get(file));
                }

                @Override
                public String where() {
                    return where;
                }
            };
        }
    }

    /** From any source of its files. */
    public static ModelBundle from(Files files) {
        String where = files.where();
        try {
            byte[] model = files.require("model.onnx");
            byte[] features = files.require("features.json");
            FeatureSpec spec = JSON.readValue(features, FeatureSpec.class).validated(where);
            Optional<JsonNode> metrics = files.read("metrics.json").map(json -> parse("metrics.json", json));
            Optional<String> card = files.read("card.md").map(String::new);
            Optional<JsonNode> reference = files.read("reference.json").map(json -> parse("reference.json", json));
            return new ModelBundle(spec, model, DigestUtils.sha256Hex(model), metrics, card, reference);
        } catch (IOException e) {
            throw new InferenceException("Could not read model bundle " + where + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode parse(String file, byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new InferenceException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

}
