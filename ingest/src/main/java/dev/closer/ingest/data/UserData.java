package dev.closer.ingest.data;

import dev.closer.ingest.EventData;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** {@code closer.user.upserted}: a CRM owner (a rep or a manager) that leads and deals refer to by id. */
public record UserData(
        @NotBlank @Size(max = 200) String id,
        @NotBlank @Size(max = 200) String displayName,
        @Email @Size(max = 320) String email,
        @Pattern(regexp = "rep|manager", message = "must be rep or manager") String role,
        @Size(max = 200) String team) implements EventData {

    @Override
    public String subjectId() {
        return id;
    }
}
