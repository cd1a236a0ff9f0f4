package dev.closer.ingest.data;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.closer.ingest.call.CallTranscripts;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * {@code closer.call.transcribed}: a sales call as utterances with speaker, role and times in milliseconds from
 * the start of the call. Overlapping utterances are allowed: they are interruptions.
 */
public record CallTranscribedData(
        @NotBlank @Size(max = 200) String id,
        @NotBlank @Size(max = 200) String leadId,
        @NotNull OffsetDateTime startedAt,
        @NotEmpty(message = "must hold at least one utterance") @Size(max = CallTranscripts.MAX_UTTERANCES)
        List<@Valid @NotNull Utterance> utterances,
        @Size(max = 200) String dealId,
        @Size(max = 200) String ownerId,
        @Size(max = 500) String title,
        @Size(max = 100) List<@Valid @NotNull Participant> participants,
        Map<String, Object> attributes) implements AboutLead {

    /** One person's turn. */
    public record Utterance(
            @NotBlank @Size(max = CallTranscripts.MAX_SPEAKER_CHARS) String speaker,
            @NotNull @Pattern(regexp = "rep|prospect|other", message = "must be rep, prospect or other") String role,
            @NotNull @PositiveOrZero Long startMs,
            @NotNull @PositiveOrZero Long endMs,
            @NotNull @Size(max = CallTranscripts.MAX_TEXT_CHARS) String text) {

        @JsonIgnore
        @AssertTrue(message = "endMs must not be before startMs")
        public boolean isOrdered() {
            return startMs == null || endMs == null || endMs >= startMs;
        }
    }

    /** Someone on the call. */
    public record Participant(
            @NotBlank @Size(max = 200) String id,
            @Size(max = 200) String name,
            @Pattern(regexp = "rep|prospect|other", message = "must be rep, prospect or other") String role) {
    }
}
