package dev.closer.app.call;

import dev.closer.ingest.call.CallAnalyzer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The call trackers (call_trackers): what the analyser listens for. Built-in trackers can be edited, not deleted. */
@ApplicationScoped
public class CallTrackers {

    @Inject
    DataSource dataSource;

    /** A tracker as the API shows it. */
    public record View(long id, String name, String kind, List<String> phrases, List<String> examples,
                       double threshold, boolean builtIn, boolean active) {
    }

    /** A tracker as the API takes it; threshold defaults to the built-in semantic trackers' 0.70. */
    public record Input(String name, String kind, List<String> phrases, List<String> examples, Double threshold,
                        Boolean active) {
    }

    /** The active trackers, for the analyser. */
    public List<CallAnalyzer.Tracker> active(Connection c) throws SQLException {
        List<CallAnalyzer.Tracker> out = new ArrayList<>();
        for (View v : list(c, true)) {
            out.add(new CallAnalyzer.Tracker(v.id(), v.name(), v.kind(), v.phrases(), v.examples(), v.threshold()));
        }
        return out;
    }

    public List<View> list() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return list(c, false);
        }
    }

    private static List<View> list(Connection c, boolean activeOnly) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select id, name, kind, phrases, examples, threshold, built_in,"
                + " active from call_trackers" + (activeOnly ? " where active" : "") + " order by name, kind")) {
            try (ResultSet rs = ps.executeQuery()) {
                List<View> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(view(rs));
                }
                return out;
            }
        }
    }

    public Optional<View> find(long id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select id, name, kind, phrases, examples, threshold, built_in, active from call_trackers where id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(view(rs)) : Optional.empty();
            }
        }
    }

    public View create(Input in) throws SQLException {
        Input v = check(in);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                insert into call_trackers (name, kind, phrases, examples, threshold, active)
                values (?, ?, ?, ?, ?, ?) returning id""")) {
            bind(c, ps, v);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return find(rs.getLong(1)).orElseThrow();
            }
        } catch (SQLException e) {
            throw unique(e, v);
        }
    }

    public Optional<View> update(long id, Input in) throws SQLException {
        Input v = check(in);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                update call_trackers set name = ?, kind = ?, phrases = ?, examples = ?, threshold = ?, active = ?,
                       updated_at = now() where id = ?""")) {
            bind(c, ps, v);
            ps.setLong(7, id);
            if (ps.executeUpdate() == 0) {
                return Optional.empty();
            }
        } catch (SQLException e) {
            throw unique(e, v);
        }
        return find(id);
    }

    /** Deletes a tracker of one's own; a built-in one can only be deactivated. */
    public boolean delete(long id) throws SQLException {
        View v = find(id).orElse(null);
        if (v == null) {
            return false;
        }
        if (v.builtIn()) {
            throw new jakarta.ws.rs.ClientErrorException("Tracker " + id + " (" + v.name() + ", " + v.kind()
                    + ") is built in: deactivate it (PUT with \"active\": false) instead of deleting it", 409);
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("delete from call_trackers where id = ?")) {
            ps.setLong(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    static Input check(Input in) {
        if (in == null) {
            throw new BadRequestException("Send {\"name\", \"kind\": \"keyword\"|\"semantic\", \"phrases\" or "
                    + "\"examples\", \"threshold\"}");
        }
        List<String> problems = new ArrayList<>();
        if (in.name() == null || in.name().isBlank() || in.name().length() > 100) {
            problems.add("name is required (at most 100 characters)");
        }
        List<String> phrases = clean(in.phrases());
        List<String> examples = clean(in.examples());
        if (!"keyword".equals(in.kind()) && !"semantic".equals(in.kind())) {
            problems.add("kind must be keyword or semantic");
        } else if ("keyword".equals(in.kind()) && phrases.isEmpty()) {
            problems.add("a keyword tracker needs at least one phrase");
        } else if ("semantic".equals(in.kind()) && examples.isEmpty()) {
            problems.add("a semantic tracker needs at least one example sentence");
        }
        if (phrases.size() > 200 || examples.size() > 50) {
            problems.add("at most 200 phrases and 50 examples");
        }
        double threshold = in.threshold() == null ? 0.70 : in.threshold();
        if (!(threshold > 0 && threshold <= 1)) {
            problems.add("threshold must be in (0, 1]");
        }
        if (!problems.isEmpty()) {
            throw new BadRequestException(String.join("; ", problems));
        }
        return new Input(in.name().strip(), in.kind(), phrases, examples, threshold,
                in.active() == null || in.active());
    }

    private static List<String> clean(List<String> values) {
        return values == null ? List.of() : values.stream().filter(s -> s != null && !s.isBlank()).map(String::strip)
                .distinct().toList();
    }

    private static void bind(Connection c, PreparedStatement ps, Input v) throws SQLException {
        ps.setString(1, v.name());
        ps.setString(2, v.kind());
        ps.setArray(3, c.createArrayOf("text", v.phrases().toArray()));
        ps.setArray(4, c.createArrayOf("text", v.examples().toArray()));
        ps.setDouble(5, v.threshold());
        ps.setBoolean(6, v.active());
    }

    private static RuntimeException unique(SQLException e, Input v) {
        if ("23505".equals(e.getSQLState())) {
            return new jakarta.ws.rs.ClientErrorException("A " + v.kind() + " tracker named \"" + v.name()
                    + "\" exists already", 409);
        }
        return new IllegalStateException(e);
    }

    private static View view(ResultSet rs) throws SQLException {
        return new View(rs.getLong(1), rs.getString(2), rs.getString(3), strings(rs.getArray(4)),
                strings(rs.getArray(5)), rs.getDouble(6), rs.getBoolean(7), rs.getBoolean(8));
    }

    private static List<String> strings(Array a) throws SQLException {
        return a == null ? List.of() : Arrays.asList((String[]) a.getArray());
    }
}
