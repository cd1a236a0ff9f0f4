package dev.closer.inference.text;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The pretrained sentence encoders Closer serves. Each one's ONNX graph and {@code tokenizer.json} are resources of a
 * langchain4j embedding jar on Maven Central (a dependency of this module), so a build needs no model hub.
 *
 * <p>Pooling and the token limit are the ones langchain4j applies to the same files (its
 * {@code AllMiniLmL6V2QuantizedEmbeddingModel} and {@code BgeSmallEnV15QuantizedEmbeddingModel}), so that our
 * embeddings are theirs: mean pooling for MiniLM, the {@code [CLS]} vector for BGE, then L2 normalisation. The limits
 * come from how langchain4j configures the tokenizer: truncation on, at the {@code tokenizer.json}'s own
 * {@code max_length} (128 for MiniLM's file) or else 512 (BGE's file sets none); both counts include {@code [CLS]}
 * and {@code [SEP]}.
 *
 * <p>The default is BGE-small, by measurement (docs/benchmarks.md, "Text encoder"): a logistic regression on its
 * frozen vectors reaches 86.9% on SST-2 against 81.4% for MiniLM, and it reads 512 tokens of an email where MiniLM
 * reads 128. It was about 4.7 times slower in one run (32 against 150 emails a second on 2 loaded cores, with an
 * error bar on BGE wider than its score), still far more than the email traffic a sales team makes;
 * {@code closer.text.encoder=minilm} trades the quality for the speed (the heads trained on BGE then do not load).
 */
public enum EncoderModel {
    /** sentence-transformers/all-MiniLM-L6-v2, int8-quantized: 6 layers, 384 dimensions, mean pooling. */
    MINILM("minilm", "all-minilm-l6-v2-q", Pooling.MEAN, 128, 384),
    /** BAAI/bge-small-en-v1.5, int8-quantized: 12 layers, 384 dimensions, the {@code [CLS]} vector. */
    BGE_SMALL("bge-small", "bge-small-en-v1.5-q", Pooling.CLS, 512, 384);

    /** How a text's token vectors become one vector (before L2 normalisation). */
    public enum Pooling {
        /** The average of the vectors of the text's tokens, {@code [CLS]} and {@code [SEP]} included. */
        MEAN,
        /** The vector of the first token, {@code [CLS]}. */
        CLS
    }

    private final String id;
    private final String resource;
    private final Pooling pooling;
    private final int maxTokens;
    private final int dimension;

    /**
     * @param id        the name configuration uses ({@code closer.text.encoder})
     * @param resource  base name of the model's classpath resources in its langchain4j jar: the quantized ONNX graph
     *                  is {@code <resource>.onnx}, the Hugging Face tokenizer {@code <resource>-tokenizer.json}
     * @param pooling   how token vectors become the text's vector
     * @param maxTokens tokens per text after truncation, {@code [CLS]} and {@code [SEP]} included
     * @param dimension length of the graph's hidden states, so of every vector ({@link TextEncoder#open} checks it)
     */
    EncoderModel(String id, String resource, Pooling pooling, int maxTokens, int dimension) {
        this.id = id;
        this.resource = resource;
        this.pooling = pooling;
        this.maxTokens = maxTokens;
        this.dimension = dimension;
    }

    /** The encoder served when configuration names none. */
    public static EncoderModel defaultModel() {
        return BGE_SMALL;
    }

    /**
     * The encoder configuration names, e.g. {@code minilm} or {@code bge-small} (case-insensitive; the enum constant's
     * name is accepted too).
     */
    public static EncoderModel byName(String name) {
        if (name == null || name.isBlank()) {
            return defaultModel();
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (EncoderModel model : values()) {
            if (model.id.equals(wanted) || model.name().toLowerCase(Locale.ROOT).equals(wanted)) {
                return model;
            }
        }
        throw new IllegalArgumentException("Unknown text encoder '" + name + "'; known: "
                + Arrays.stream(values()).map(EncoderModel::id).collect(Collectors.joining(", ")));
    }

    public String id() {
        return id;
    }

    /** Classpath resource of the quantized ONNX graph. */
    public String onnxResource() {
        return resource + ".onnx";
    }

    /** Classpath resource of the Hugging Face {@code tokenizer.json}. */
    public String tokenizerResource() {
        return resource + "-tokenizer.json";
    }

    public Pooling pooling() {
        return pooling;
    }

    public int maxTokens() {
        return maxTokens;
    }

    public int dimension() {
        return dimension;
    }
}
