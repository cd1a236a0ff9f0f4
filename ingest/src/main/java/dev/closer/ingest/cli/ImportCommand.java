package dev.closer.ingest.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.ingest.CrmEvent;
import dev.closer.ingest.EventReader;
import jakarta.validation.Validation;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.commons.io.input.CountingInputStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Replays a file of newline-delimited CloudEvents (plain or gzipped, or standard input) into Closer's CRM-events
 * topic, as fast as Kafka takes them or at a set rate. Every line is validated as the platform validates events;
 * a bad line is reported with its number and reason and skipped, and everything else is sent with
 * {@code acks=all}. Used to load the demo world and to backfill history exported from a CRM.
 */
@Command(name = "closer-import", mixinStandardHelpOptions = true, version = "closer-import 0.1",
        description = "Send a file of newline-delimited CloudEvents (.ndjson, .ndjson.gz, or - for stdin) to Kafka.")
public final class ImportCommand implements Callable<Integer> {

    static final String CONTENT_TYPE = "application/cloudevents+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "FILE", description = "Events, one JSON CloudEvent per line; '-' reads stdin.")
    String file;

    @Option(names = {"-b", "--bootstrap-server"}, defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = {"-t", "--topic"}, defaultValue = "closer.crm-events",
            description = "Topic to send to (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = {"-r", "--rate"}, defaultValue = "0",
            description = "Events per second; 0 sends as fast as Kafka accepts (default).")
    long rate;

    @Option(names = "--rejects", paramLabel = "FILE",
            description = "Also write every rejected line as JSON {line, reason} to this file.")
    Path rejectsFile;

    @Option(names = "--no-progress", description = "No progress bar (it is off anyway when output is not a terminal).")
    boolean noProgress;

    @Option(names = "--max-rejects-shown", defaultValue = "20",
            description = "Rejected lines to print in the summary (default: ${DEFAULT-VALUE}).")
    int maxRejectsShown;

    private final PrintStream out;

    public ImportCommand(PrintStream out) {
        this.out = out;
    }

    /** A line that was not sent, and why. */
    public record Reject(long line, String reason) {
    }

    /** What an import did. */
    public record Summary(long lines, long sent, long acknowledged, List<Reject> rejects, long rejected,
                          long failed, Duration took) {
        public double rate() {
            return took.toNanos() == 0 ? 0 : acknowledged * 1e9 / took.toNanos();
        }
    }

    /** An import with these command-line arguments, for callers that bring their own producer. */
    public static ImportCommand parse(PrintStream out, String... args) {
        ImportCommand command = new ImportCommand(out);
        new CommandLine(command).parseArgs(args);
        return command;
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        System.exit(new CommandLine(new ImportCommand(System.out)).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "closer-import");
        try (Producer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            Summary summary = run(producer);
            print(summary);
            return summary.failed() == 0 ? 0 : 1;
        }
    }

    /** Sends the file through {@code producer}; arguments as parsed by picocli (see {@link #parse}). */
    public Summary run(Producer<String, byte[]> producer) throws IOException, InterruptedException {
        EventReader reader = new EventReader(Validation.byDefaultProvider().configure()
                .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator());
        boolean stdin = "-".equals(file);
        long size = stdin ? -1 : Files.size(Path.of(file));
        CountingInputStream raw = new CountingInputStream(stdin ? System.in : Files.newInputStream(Path.of(file)));
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        List<Reject> shown = new ArrayList<>();
        long lines = 0;
        long sent = 0;
        long rejected = 0;
        long start = System.nanoTime();
        boolean progress = !noProgress && System.console() != null && size > 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(decompress(raw), StandardCharsets.UTF_8),
                1 << 16);
             PrintWriter rejects = rejectsFile == null ? null : new PrintWriter(Files.newBufferedWriter(rejectsFile));
             ProgressBar bar = progress ? new ProgressBarBuilder().setTaskName("import").setInitialMax(size)
                     .setUnit(" MiB", 1 << 20).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
                     .showSpeed().build() : null) {
            String line;
            while ((line = in.readLine()) != null) {
                lines++;
                if (line.isBlank()) {
                    continue;
                }
                byte[] value = line.getBytes(StandardCharsets.UTF_8);
                CrmEvent event = null;
                String reason;
                if (line.stripLeading().startsWith("[")) {
                    reason = "one event per line, not a JSON array";
                } else {
                    try {
                        event = reader.readBody(value).get(0);
                        reason = null;
                    } catch (EventReader.InvalidBatchException e) {
                        reason = String.join("; ", e.problems().get(0).errors());
                    }
                }
                if (reason != null) {
                    rejected++;
                    if (shown.size() < maxRejectsShown) {
                        shown.add(new Reject(lines, reason));
                    }
                    if (rejects != null) {
                        rejects.println(JSON.writeValueAsString(new Reject(lines, reason)));
                    }
                    continue;
                }
                pace(sent, start);
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, null, event.subject(), value,
                        List.of(new RecordHeader("content-type", CONTENT_TYPE.getBytes(StandardCharsets.UTF_8))));
                producer.send(record, (meta, error) -> {
                    if (error == null) {
                        acked.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, error);
                    }
                });
                sent++;
                if (bar != null && (sent & 1023) == 0) {
                    bar.stepTo(raw.getByteCount());
                }
            }
            producer.flush();
            if (bar != null) {
                bar.stepTo(raw.getByteCount());
            }
        }
        if (firstFailure.get() != null) {
            out.println("Kafka refused events: " + firstFailure.get().getMessage());
        }
        return new Summary(lines, sent, acked.get(), shown, rejected, failed.get(),
                Duration.ofNanos(System.nanoTime() - start));
    }

    private void pace(long sent, long start) throws InterruptedException {
        if (rate <= 0) {
            return;
        }
        long due = start + sent * 1_000_000_000L / rate;
        long wait = due - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /** Gzip is recognised by its magic bytes, whatever the file is called. */
    private static InputStream decompress(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        buffered.mark(2);
        int b1 = buffered.read();
        int b2 = buffered.read();
        buffered.reset();
        return b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(buffered, 1 << 16) : buffered;
    }

    private void print(Summary s) {
        out.printf("Read %,d lines: sent %,d, acknowledged %,d, rejected %,d, failed %,d in %.1f s (%,.0f events/s)%n",
                s.lines(), s.sent(), s.acknowledged(), s.rejected(), s.failed(), s.took().toMillis() / 1000.0,
                s.rate());
        for (Reject r : s.rejects()) {
            out.printf("  line %d: %s%n", r.line(), r.reason());
        }
        if (s.rejected() > s.rejects().size()) {
            out.printf("  ... and %,d more rejected lines%s%n", s.rejected() - s.rejects().size(),
                    rejectsFile == null ? " (--rejects FILE lists them all)" : " (see " + rejectsFile + ")");
        }
    }

}
