package dev.closer.app.config;

import dev.closer.inference.ExecutionDevice;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every {@code closer.*} option, with its default. Environment variables work too: {@code CLOSER_TOPICS_CRM_EVENTS}. */
@ConfigMapping(prefix = "closer")
public interface CloserConfig {

    Topics topics();

    Consumer consumer();

    Ingest ingest();

    Models models();

    Scoring scoring();

    Batch batch();

    Webhooks webhooks();

    Outbound outbound();

    Scores scores();

    Ui ui();

    Inference inference();

    Auth auth();

    Emails emails();

    Text text();

    Calls calls();

    interface Topics {
        /** CRM entity and activity events (CloudEvents, keyed by subject). */
        @WithDefault("closer.crm-events")
        String crmEvents();

        /** Where records from {@link #crmEvents()} that cannot be read or stored go, with the reason in headers. */
        @WithDefault("closer.crm-events.dlq")
        String crmEventsDlq();

        /**
         * Lead score changes (JSON, keyed by lead id): every new history row, from events and from the nightly
         * batch, with the score it replaced; outbound webhooks and live dashboards read it.
         */
        @WithDefault("closer.lead-scores")
        String leadScores();

        /** Partitions of topics Closer creates: the most consumers one group can use in parallel. */
        @WithDefault("3")
        int partitions();

        @WithDefault("1")
        short replicationFactor();

        /** Create missing topics at start-up (turn off where topics are managed elsewhere, e.g. Strimzi). */
        @WithDefault("true")
        boolean create();
    }

    interface Consumer {
        /** Run the CRM-events consumer in this instance. */
        @WithDefault("true")
        boolean enabled();

        /**
         * Consumers in this instance, each on its own thread and connection; together with other instances they
         * share the topic's partitions, so more than the partition count sit idle.
         */
        @WithDefault("2")
        int threads();

        /** Consumer group; instances in the same group share the partitions. */
        @WithDefault("closer-crm-events")
        String groupId();

        /** Most records in one batch (one database transaction, one scoring run). */
        @WithDefault("500")
        int maxPollRecords();

        @WithDefault("500ms")
        Duration pollTimeout();
    }

    interface Ingest {
        /** Most events in one POST /api/v1/events. */
        @WithDefault("1000")
        int maxBatch();

        /** How long POST /api/v1/events waits for Kafka's acknowledgement before answering 503. */
        @WithDefault("10s")
        Duration publishTimeout();
    }

    interface Scoring {
        /**
         * Score leads in this instance: queued leads (every event about a lead queues it) are claimed with
         * {@code FOR UPDATE SKIP LOCKED}, so any number of instances share the queue.
         */
        @WithDefault("true")
        boolean enabled();

        /** Quiet time after a lead's last event before it is scored, so a burst of events costs one score. */
        @WithDefault("1s")
        Duration debounce();

        /** Longest a lead waits in the queue while its events keep coming. */
        @WithDefault("30s")
        Duration maxWait();

        /** Leads scored in one model run and one transaction. */
        @WithDefault("256")
        int batchSize();

        /** How often an idle worker looks for due leads (the scheduler's resolution is 1 s: less means 1 s). */
        @WithDefault("1s")
        Duration pollInterval();

        /** Most recent activities read per lead (models use up to their own max_length of them). */
        @WithDefault("64")
        int historyLimit();

        Decay decay();

        /** See {@link dev.closer.app.scoring.ScoreDecay}: after {@code grace} idle, the probability halves every half-life. */
        interface Decay {
            @WithDefault("true")
            boolean enabled();

            @WithDefault("P14D")
            Duration grace();

            @WithDefault("P30D")
            Duration halfLife();
        }
    }

    /** Inbound webhooks: POST /api/v1/webhooks/{source}, signed per source. */
    interface Webhooks {
        /**
         * Sources by the name in the URL, e.g. {@code closer.webhooks.sources.zapier.secret=...}. A name that is not
         * here answers 404.
         */
        Map<String, Source> sources();

        /** Largest webhook body accepted (413 above it). */
        @WithDefault("1M")
        MemorySize maxBodySize();

        /** How far a signature's timestamp may be from now, either way (replay protection). */
        @WithDefault("5m")
        Duration tolerance();

        /**
         * The URL CRMs call Closer at, as they see it (scheme, host, port, e.g. {@code https://closer.example.com}):
         * HubSpot signs the URL it called, which differs from what Closer sees behind a proxy. Unset: the request's
         * own URL.
         */
        Optional<String> publicUrl();

        interface Source {
            /**
             * What the source is, which sets how requests are authenticated and read: {@code generic} (Closer's
             * CloudEvents, X-Closer-Signature with {@code secret}), {@code hubspot} (signature v3, or v1/v2, with
             * the app's client {@code secret}), {@code salesforce} (outbound messages from {@code organization-ids})
             * or {@code pipedrive} (webhooks v2 with Basic {@code username} and {@code password}).
             */
            @WithDefault("generic")
            String type();

            /** The shared secret: generic and hubspot. */
            Optional<String> secret();

            /** HTTP Basic user name the CRM sends: pipedrive. */
            Optional<String> username();

            /** HTTP Basic password the CRM sends: pipedrive. */
            Optional<String> password();

            /** Organisation ids whose outbound messages are taken (15 or 18 characters): salesforce. */
            Optional<List<String>> organizationIds();

            /** Take HubSpot's v1/v2 signatures, which have no timestamp and so no replay window: hubspot. */
            @WithDefault("true")
            boolean legacySignatures();

            /** Prepended to the CRM's record ids (default: the source's name and a dash, e.g. {@code hubspot-}). */
            Optional<String> idPrefix();

            /**
             * Field mapping overrides, by CRM object and property: {@code fields.contact.jobtitle=title}; {@code -}
             * drops a property. Unmapped properties are kept as custom properties. Defaults: see CrmMapping.
             */
            Map<String, Map<String, String>> fields();

            /** Value translations by Closer field: {@code values.stage.appointmentscheduled=discovery}. */
            Map<String, Map<String, String>> values();

            /** Writing scores back into this source's CRM: hubspot and salesforce (outbound.crm.CrmWriters). */
            Writer writer();

            /**
             * A CRM writer: each score change of a lead from this source (its id starts with the source's id
             * prefix) sets score and grade properties on the CRM's record, through the outbound deliveries (retries,
             * log, dead state, replay). Credentials are read from here only: never stored, logged or returned.
             */
            interface Writer {
                /** Write this source's leads' scores into the CRM. */
                @WithDefault("false")
                boolean enabled();

                /** hubspot: the private app's access token (scope {@code crm.objects.contacts.write}). */
                Optional<String> accessToken();

                /** hubspot: the API's base URL (default {@code https://api.hubapi.com}). */
                Optional<String> baseUrl();

                /**
                 * salesforce: the org's My Domain URL, where tokens are asked for (e.g.
                 * {@code https://acme.my.salesforce.com}); the client credentials flow does not take
                 * login.salesforce.com or test.salesforce.com.
                 */
                Optional<String> loginUrl();

                /** salesforce: the connected (or external client) app's consumer key. */
                Optional<String> clientId();

                /** salesforce: the app's consumer secret. */
                Optional<String> clientSecret();

                /** salesforce: the REST API version. */
                @WithDefault("v60.0")
                String apiVersion();

                /** salesforce: the object Closer leads are written to (records whose id does not start with 003). */
                @WithDefault("Lead")
                String object();

                /** salesforce: the object of records whose id starts with 003 (Contacts); {@code -} skips them. */
                @WithDefault("Contact")
                String contactObject();

                /**
                 * The property (field API name) that receives the score (1 to 99); {@code -} writes no score.
                 * Default: {@code closer_score} (hubspot), {@code Closer_Score__c} (salesforce).
                 */
                Optional<String> scoreProperty();

                /**
                 * The property (field API name) that receives the grade (A to D); {@code -} writes no grade.
                 * Default: {@code closer_grade} (hubspot), {@code Closer_Grade__c} (salesforce).
                 */
                Optional<String> gradeProperty();

                /** A score is written when it moved by at least this many points, is the first, or the grade changed. */
                @WithDefault("1")
                int minPoints();
            }
        }
    }

    /** The scores topic's relay (scoring.ScorePublisher). */
    interface Scores {
        /** How often the score outbox is relayed to the scores topic. */
        @WithDefault("1s")
        Duration publishInterval();
    }

    /** The web UI's live feed ({@code closer.ui.*}). */
    interface Ui {
        /** How often the score stream looks for new rows in lead_scores while someone listens. */
        @WithDefault("1s")
        Duration streamPollInterval();

        /**
         * How long a stream token may be used to open {@code GET /api/v1/leads/scores/stream}; an open stream stays
         * open after it expires. The UI fetches a new one each time it connects.
         */
        @WithDefault("60s")
        Duration streamTokenTtl();

        /**
         * The key that signs stream tokens (at least 32 characters). Unset: a random key per instance, so a token is
         * good only on the instance that issued it; set the same value on every instance behind a load balancer
         * without sticky sessions.
         */
        Optional<String> streamTokenSecret();
    }

    /** Webhooks out: subscriptions get signed JSON when scores move (outbound.OutboundDeliveries). */
    interface Outbound {
        /** Fan score changes out to subscriptions and send deliveries from this instance. */
        @WithDefault("true")
        boolean enabled();

        /** First retry after a failed delivery; each further retry waits twice as long. */
        @WithDefault("10s")
        Duration backoff();

        /** The longest wait between two attempts. */
        @WithDefault("1h")
        Duration maxBackoff();

        /** Attempts before a delivery is dead (an admin can replay it). */
        @WithDefault("8")
        int maxAttempts();

        /** How long one attempt may take (connect and response). */
        @WithDefault("10s")
        Duration timeout();
    }

    /** The nightly rescore of every open lead (scoring.batch.NightlyRescore). */
    interface Batch {
        /**
         * Take part in runs in this instance: claim chunks of a running run (every instance with this on shares
         * a run) and start the scheduled run. Off: runs can still be started here, others do the work.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * When the nightly run starts (Quartz-style cron with seconds, in the JVM's time zone; set {@code TZ} or
         * {@code -Duser.timezone}); {@code off} disables the schedule.
         */
        @WithDefault("0 0 2 * * ?")
        String cron();

        /** Open leads per chunk, the unit an instance claims and commits. */
        @WithDefault("2000")
        int chunkSize();

        /** Leads per model run within a chunk. */
        @WithDefault("500")
        int batchSize();

        /**
         * A rescored lead is explained again only when the model's own probability (before decay) moved by at
         * least this many score points or the model changed; otherwise its factors are kept and only the decay
         * factor is updated. 0 explains every changed score.
         */
        @WithDefault("1.0")
        double refactorPoints();

        /** How long a claimed chunk stays its instance's; after that another instance may take it over. */
        @WithDefault("2m")
        Duration lease();

        /** How often an instance looks for chunks to claim. */
        @WithDefault("2s")
        Duration pollInterval();

        /** Population stability index at or above which a feature's (or the score's) drift is an alert. */
        @WithDefault("0.2")
        double driftAlert();

        /** Days of per-day dashboard figures each run recomputes, ending today. */
        @WithDefault("3")
        int statsDays();

        /**
         * Claims of one chunk before it is given up: its leads are recorded as failed, with the chunk's last error,
         * and the run can finish instead of retrying the chunk forever.
         */
        @WithDefault("3")
        int maxChunkAttempts();
    }

    interface Models {
        /**
         * A folder of model bundles laid out as {@code <name>/<version>/model.onnx} (as {@code ml/models}).
         * When absent, the bundles built into the app are used.
         */
        Optional<Path> dir();

        /**
         * The lead-scoring model version activated when the registry has no active one yet (a fresh database).
         * After that the registry decides what serves: POST /api/v1/models/lead-score/versions/{v}/activate.
         */
        @WithDefault("v1")
        String leadScoreVersion();

        /**
         * Lead-scoring versions built into the app to register (and validate) at start, beside the one above, so
         * an admin can activate or roll back to them; versions absent from the build are skipped.
         */
        @WithDefault("v0,v1")
        java.util.List<String> leadScoreBundled();

        /**
         * How often each instance looks in the registry for a version activated, rolled back or shadowed by
         * another instance, and swaps it in (after loading and checking it).
         */
        @WithDefault("3s")
        Duration pollInterval();

        /**
         * Largest model upload POST /api/v1/models accepts (a zip, or the files of a multipart form), and largest
         * total of the files in a zip once unpacked; {@code quarkus.http.limits.max-body-size} caps every request.
         */
        @WithDefault("48M")
        MemorySize maxUploadSize();

        /**
         * Scored batches waiting for the shadow model; when it falls further behind, batches are not shadowed
         * (counted in closer_models_shadow_dropped_total), so shadowing never slows down the real scoring.
         */
        @WithDefault("64")
        int shadowQueue();
    }

    interface Inference {
        /** {@code cpu} or {@code cuda} (needs the onnxruntime_gpu build; falls back to CPU with a log line). */
        @WithDefault("cpu")
        ExecutionDevice device();

        @WithDefault("0")
        int cudaDeviceId();

        /** Threads inside one operator; 0 lets ONNX Runtime use every core. */
        @WithDefault("0")
        int intraOpThreads();

        @WithDefault("1")
        int interOpThreads();
    }

    interface Auth {
        /**
         * An admin API key to accept (stored hashed). When absent and no admin key exists yet, one is created at
         * the first start and printed once in the log.
         */
        Optional<String> bootstrapAdminKey();
    }

    interface Emails {
        /** How often the sequence A/B counts (the materialized view sequence_variant_stats) are refreshed. */
        @WithDefault("5m")
        Duration statsRefresh();

        /** Confidence level of the reply-rate intervals; 1 − it is the significance level of the A/B tests. */
        @WithDefault("0.95")
        double confidence();

        /** Power the "sends still needed" of an A/B test is computed for. */
        @WithDefault("0.8")
        double power();

        /** The reply model: {@code <name>/<version>} under closer.models.dir or built into the app. */
        @WithDefault("reply-score/v1")
        String replyModel();

        /** Predict p(reply) of every sent email as it arrives, for calibration (the email predictor). */
        @WithDefault("true")
        boolean predictSent();

        /** Classify inbound replies as they arrive (the reply-intent worker). */
        @WithDefault("true")
        boolean classifyReplies();

        /** How often the worker looks for replies not classified yet. */
        @WithDefault("1s")
        Duration classifyInterval();

        /** Replies classified in one transaction. */
        @WithDefault("16")
        int classifyBatch();

        /** Largest text the email endpoints take (a draft's subject + body, a reply's body), in UTF-8 bytes. */
        @WithDefault("100K")
        MemorySize maxTextSize();
    }

    interface Text {
        /** The sentence encoder the text models read: {@code bge-small} (default) or {@code minilm}. */
        @WithDefault("bge-small")
        String encoder();

        /** Texts embedded at once, one core each; 0 means one per processor. */
        @WithDefault("0")
        int threads();

        /** Load the encoder and heads at start (in the background) rather than at their first use. */
        @WithDefault("true")
        boolean preload();

        /** The reply-intent head: {@code <name>/<version>} under closer.models.dir or built into the app. */
        @WithDefault("reply-intent/v1")
        String intentModel();

        /** The tone head, likewise. */
        @WithDefault("tone/v1")
        String toneModel();
    }

    /** Call analysis (call.CallAnalysis): metrics, tone, trackers and deal warnings of every transcribed call. */
    interface Calls {
        /** Analyse calls as they arrive (the call-analysis worker). */
        @WithDefault("true")
        boolean analyse();

        /** How often the worker looks for calls not analysed yet. */
        @WithDefault("1s")
        Duration analyseInterval();

        /**
         * Calls analysed in one transaction (a ~80-minute call is ~1,000 utterances through the encoder, up to 15 s,
         * with the call's row locked): 1, so that a slow or failing call holds up no other.
         */
        @WithDefault("1")
        int analyseBatch();

        /** Transaction timeout of one analysis batch; a call that overruns it is marked failed (analysis_error). */
        @WithDefault("120s")
        Duration analyseTimeout();

        /** Largest transcript POST /api/v1/calls takes (JSON, WebVTT or segment JSON). */
        @WithDefault("10M")
        MemorySize maxTranscriptSize();

        /** Warning no_activity: nothing from or to the lead (activity, email, reply, call) for this many days. */
        @WithDefault("14")
        int noActivityDays();

        /** Warning ghosted: no reply, activity or call since the rep's last email, this many days after it. */
        @WithDefault("7")
        int ghostedDays();

        /** Warning stalled_in_stage: the deal has been in its current stage for longer than this many days. */
        @WithDefault("30")
        int stalledDays();

        /** Warning pricing_not_discussed: deal stages by which pricing should have come up on a call. */
        @WithDefault("proposal,negotiation")
        List<String> lateStages();

        /**
         * The call-win model, {@code <name>/<version>} under closer.models.dir or built into the app; {@code none}
         * serves no win odds.
         */
        @WithDefault("call-win/v1")
        String winModel();
    }
}
