package dev.closer.benchmarks;

import dev.closer.ingest.CrmEvent;
import dev.closer.ingest.EventReader;
import jakarta.validation.Validation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Reading and validating one CloudEvent, as the HTTP edge, the consumer and closer-import do for every event.
 *
 * <pre>java -jar services/benchmarks/target/benchmarks.jar EventReader</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EventReaderBenchmark {

    private final EventReader reader = new EventReader(Validation.byDefaultProvider().configure()
            .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator());

    private final byte[] lead = """
            {"specversion":"1.0","id":"evt-1","source":"crm/bench","type":"closer.lead.upserted","subject":"lead-1",
             "time":"2026-01-02T03:04:05Z","datacontenttype":"application/json","data":{"id":"lead-1",
             "email":"ada@example.com","firstName":"Ada","lastName":"Lovelace","title":"VP Engineering",
             "source":"Google","origin":"API","country":"India","websiteVisits":5,"websiteSeconds":1200,
             "pageViewsPerVisit":2.5,"doNotEmail":false,"ownerId":"rep-1"}}""".getBytes(StandardCharsets.UTF_8);

    private final byte[] activity = """
            {"specversion":"1.0","id":"evt-2","source":"crm/bench","type":"closer.activity.recorded",
             "subject":"lead-1","time":"2026-01-02T03:04:05Z","data":{"leadId":"lead-1","type":"page_view",
             "occurredAt":"2026-01-02T03:04:05Z","properties":{"page":"pricing","url":"/pricing"}}}"""
            .getBytes(StandardCharsets.UTF_8);

    @Benchmark
    public List<CrmEvent> readLeadUpsert() throws EventReader.InvalidBatchException {
        return reader.readBody(lead);
    }

    @Benchmark
    public List<CrmEvent> readActivity() throws EventReader.InvalidBatchException {
        return reader.readBody(activity);
    }
}
