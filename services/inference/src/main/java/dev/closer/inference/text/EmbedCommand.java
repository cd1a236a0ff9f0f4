package dev.closer.inference.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Embeds a JSONL file of texts with the serving encoder, so that {@code ml/} trains the text heads on exactly the
 * features serving computes.
 *
 * <p>Input: one JSON object a line, {@code {"id": ..., "text": "..."}} (field names are options; blank lines are
 * skipped; a line without text is an error naming its number). Output, for {@code --out DIR/NAME}:
 * <ul>
 *   <li>{@code DIR/NAME.npy}: the vectors, a float32 matrix (rows in input order, {@code dimension} columns, C order,
 *       little-endian) in NumPy's .npy format: {@code numpy.load("DIR/NAME.npy")};</li>
 *   <li>{@code DIR/NAME.ids.jsonl}: each row's id as one JSON value a line (the line number when the input has
 *       none): {@code [json.loads(l) for l in open("DIR/NAME.ids.jsonl")]}.</li>
 * </ul>
 * The vectors are exactly serving's: the encoder's defaults ({@link TextEncoderOptions#of}), one text per run, so a
 * row never depends on the other texts. A summary line goes to standard output; progress ({@code -v}) and errors to
 * standard error.
 */
@Command(name = "closer-embed", mixinStandardHelpOptions = true, version = "closer-embed 0.1",
        description = "Embed a JSONL file of texts ({\"id\":..., \"text\":...} per line; '-' reads stdin) into "
                + "OUT.npy (float32, one row per line) and OUT.ids.jsonl.")
public final class EmbedCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The .npy header's fixed size: the matrix shape is written last, into this space. */
    private static final int NPY_HEADER = 128;

    @Parameters(index = "0", paramLabel = "FILE", description = "JSONL input; '-' reads stdin.")
    String input;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "OUT",
            description = "Output prefix: writes OUT.npy and OUT.ids.jsonl (a trailing .npy is dropped).")
    String outPrefix;

    @Option(names = {"-m", "--model"},
            description = "Encoder: minilm or bge-small (default: $CLOSER_TEXT_ENCODER, else the served default).")
    String model;

    @Option(names = "--threads", defaultValue = "0",
            description = "Texts embedded at once, one core each; 0 means one per processor (default).")
    int threads;

    @Option(names = "--text-field", defaultValue = "text",
            description = "Field holding the text (default: ${DEFAULT-VALUE}).")
    String textField;

    @Option(names = "--id-field", defaultValue = "id", description = "Field holding the id (default: ${DEFAULT-VALUE}).")
    String idField;

    @Option(names = "--reply",
            description = "Each text is a raw email reply: embed its new text (ReplyText: without the quoted chain, "
                    + "the signature and HTML), as the reply-intent classifier does in serving.")
    boolean reply;

    @Option(names = "--chunk", defaultValue = "4096",
            description = "Texts read and embedded at a time (default: ${DEFAULT-VALUE}).")
    int chunk;

    @Option(names = {"-v", "--verbose"}, description = "Log model loading and progress.")
    boolean verbose;

    private final PrintStream out;
    private final PrintStream err;

    public EmbedCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        // DJL reports to AWS when it runs on EC2 unless told not to; a self-hosted product should not.
        if (System.getenv("OPT_OUT_TRACKING") == null && System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
        EmbedCommand command = new EmbedCommand(System.out, System.err);
        CommandLine cli = new CommandLine(command);
        // Logging is set once the options are parsed and before anything logs.
        cli.setExecutionStrategy(parsed -> {
            if (!command.verbose) {
                // DJL looks for a GPU and logs that it found none, OnnxModel logs the graph it loaded (through
                // java.util.logging): only warnings and errors matter here.
                System.setProperty("org.slf4j.simpleLogger.log.ai.djl", "error");
                Logger.getLogger("").setLevel(Level.WARNING);
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws IOException {
        String prefix = outPrefix.endsWith(".npy") ? outPrefix.substring(0, outPrefix.length() - 4) : outPrefix;
        Path npy = Path.of(prefix + ".npy");
        Path ids = Path.of(prefix + ".ids.jsonl");
        if (npy.getParent() != null) {
            Files.createDirectories(npy.getParent());
        }
        EncoderModel encoderModel = EncoderModel.byName(model != null ? model : System.getenv("CLOSER_TEXT_ENCODER"));
        TextEncoderOptions options = TextEncoderOptions.of(encoderModel);
        if (threads > 0) {
            options = options.withThreads(threads);
        }
        long started = System.nanoTime();
        long rows = 0;
        try (TextEncoder encoder = TextEncoder.open(options);
             BufferedReader reader = input.equals("-")
                     ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                     : Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8);
             FileChannel matrix = FileChannel.open(npy, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING);
             BufferedWriter idOut = Files.newBufferedWriter(ids, StandardCharsets.UTF_8)) {
            matrix.write(ByteBuffer.wrap(npyHeader(0, encoder.dimension())));
            List<String> texts = new ArrayList<>(chunk);
            long lineNumber = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode record;
                try {
                    record = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    err.printf("closer-embed: line %d is not JSON: %s%n", lineNumber, e.getOriginalMessage());
                    return 1;
                }
                JsonNode text = record.get(textField);
                if (text == null || !text.isTextual()) {
                    err.printf("closer-embed: line %d has no string \"%s\"%n", lineNumber, textField);
                    return 1;
                }
                JsonNode id = record.get(idField);
                idOut.write(id == null || id.isNull() ? Long.toString(lineNumber) : JSON.writeValueAsString(id));
                idOut.newLine();
                texts.add(reply ? ReplyText.newText(text.asText()) : text.asText());
                if (texts.size() == chunk) {
                    rows += write(encoder, texts, matrix);
                    if (verbose) {
                        err.printf("closer-embed: %,d texts%n", rows);
                    }
                }
            }
            rows += write(encoder, texts, matrix);
            matrix.write(ByteBuffer.wrap(npyHeader(rows, encoder.dimension())), 0);
            double seconds = (System.nanoTime() - started) / 1e9;
            out.printf("closer-embed: %,d texts with %s in %.1f s (%,.0f texts/s, %d threads): %s (%d x %d float32), "
                            + "%s%n",
                    rows, encoderModel.id(), seconds, rows / seconds, options.threads(), npy, rows,
                    encoder.dimension(), ids);
        }
        return 0;
    }

    private static int write(TextEncoder encoder, List<String> texts, FileChannel matrix) throws IOException {
        if (texts.isEmpty()) {
            return 0;
        }
        float[][] vectors = encoder.embedAll(texts);
        ByteBuffer bytes = ByteBuffer.allocate(vectors.length * encoder.dimension() * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float[] vector : vectors) {
            for (float v : vector) {
                bytes.putFloat(v);
            }
        }
        bytes.flip();
        while (bytes.hasRemaining()) {
            matrix.write(bytes);
        }
        texts.clear();
        return vectors.length;
    }

    /** A version 1.0 .npy header for a {@code rows × columns} little-endian float32 matrix, padded to a fixed size. */
    static byte[] npyHeader(long rows, int columns) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + columns + "), }";
        int padding = NPY_HEADER - 10 - dict.length() - 1;
        ByteBuffer header = ByteBuffer.allocate(NPY_HEADER).order(ByteOrder.LITTLE_ENDIAN);
        header.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        header.putShort((short) (NPY_HEADER - 10));
        header.put(dict.getBytes(StandardCharsets.US_ASCII));
        header.put(" ".repeat(padding).getBytes(StandardCharsets.US_ASCII)).put((byte) '\n');
        return header.array();
    }
}
