package dev.closer.app.scoring.registry;

import dev.closer.inference.tabular.ParityCheck;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * The files of a model bundle by name ({@code model.onnx}, {@code features.json}, {@code parity.jsonl},
 * {@code metrics.json}, {@code card.md}, and whatever else {@code ml/} exports), read from an uploaded zip, a
 * folder or the classpath. A bundle is flat: one folder of files.
 */
public final class BundleFiles {

    public static final String MODEL = "model.onnx";
    public static final String FEATURES = "features.json";
    /** Training-data distributions the nightly batch measures drift against (ml/leadscore/reference.py). */
    public static final String REFERENCE = "reference.json";
    /** What a classpath bundle is read by: a classpath folder cannot be listed. */
    public static final List<String> KNOWN = List.of(MODEL, FEATURES, ParityCheck.FILE, "metrics.json", "card.md",
            REFERENCE);

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private BundleFiles() {
    }

    /**
     * Unpacks an uploaded zip of a model folder: the files may sit at the top of the zip or inside one folder
     * (what zipping the folder itself gives). Folders' metadata ({@code __MACOSX/}, dot files) is skipped.
     *
     * @param maxTotal most bytes the files may take once unpacked
     */
    public static Map<String, byte[]> fromZip(byte[] zip, long maxTotal) {
        if (zip == null || zip.length < 4 || zip[0] != 'P' || zip[1] != 'K') {
            throw RegistryException.badRequest("The body is not a zip archive: upload the model folder zipped "
                    + "(model.onnx, features.json, parity.jsonl, ...) as application/zip, or its files as "
                    + "multipart/form-data.");
        }
        Map<String, byte[]> byPath = new TreeMap<>();
        long total = 0;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            byte[] buffer = new byte[64 * 1024];
            while ((entry = in.getNextEntry()) != null) {
                String path = entry.getName().replace('\\', '/');
                String last = path.substring(path.lastIndexOf('/') + 1);
                if (entry.isDirectory() || path.startsWith("__MACOSX/") || last.startsWith(".")) {
                    continue;
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int n;
                while ((n = in.read(buffer)) > 0) {
                    total += n;
                    if (total > maxTotal) {
                        throw RegistryException.tooLarge("The zip's files take more than " + maxTotal
                                + " bytes unpacked (closer.models.max-upload-size).");
                    }
                    out.write(buffer, 0, n);
                }
                if (byPath.put(path, out.toByteArray()) != null) {
                    throw RegistryException.unprocessable("The zip holds " + path + " twice.");
                }
            }
        } catch (ZipException e) {
            throw RegistryException.badRequest("The zip archive is damaged: " + e.getMessage());
        } catch (IOException e) {
            throw RegistryException.badRequest("The zip archive could not be read: " + e.getMessage());
        }
        if (byPath.isEmpty()) {
            throw RegistryException.unprocessable("The zip holds no files; it should hold the model folder's "
                    + "files (model.onnx, features.json, parity.jsonl, ...).");
        }
        String folder = commonFolder(byPath.keySet());
        Map<String, byte[]> files = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : byPath.entrySet()) {
            String name = e.getKey().substring(folder.length());
            if (name.contains("/")) {
                throw RegistryException.unprocessable("The zip holds " + e.getKey() + " in a sub-folder; a model "
                        + "bundle is one folder of files (model.onnx, features.json, parity.jsonl, ...).");
            }
            files.put(name, e.getValue());
        }
        return checked(files);
    }

    /** The folder every path is in ({@code "v1/"}), or "" when they are not all in one. */
    private static String commonFolder(Iterable<String> paths) {
        String folder = null;
        for (String p : paths) {
            int slash = p.indexOf('/');
            String top = slash < 0 ? "" : p.substring(0, slash + 1);
            if (folder == null) {
                folder = top;
            } else if (!folder.equals(top)) {
                return "";
            }
        }
        return folder == null ? "" : folder;
    }

    /** Checks names and that the two files every bundle needs are there. */
    public static Map<String, byte[]> checked(Map<String, byte[]> files) {
        List<String> bad = new ArrayList<>();
        for (String name : files.keySet()) {
            if (!NAME.matcher(name).matches()) {
                bad.add("'" + name + "'");
            }
        }
        if (!bad.isEmpty()) {
            throw RegistryException.unprocessable("File names may hold letters, digits, '.', '_' and '-' only: "
                    + String.join(", ", bad) + ".");
        }
        for (String required : List.of(MODEL, FEATURES)) {
            if (!files.containsKey(required)) {
                throw RegistryException.unprocessable("The bundle has no " + required + " (it holds: "
                        + (files.isEmpty() ? "nothing" : String.join(", ", files.keySet())) + "); a model bundle "
                        + "needs model.onnx and features.json, and parity.jsonl to be validated.");
            }
        }
        return files;
    }

    /** Every regular file in {@code dir} (not in its sub-folders). */
    public static Map<String, byte[]> fromDirectory(Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.filter(Files::isRegularFile).toList()) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".")) {
                    files.put(name, Files.readAllBytes(p));
                }
            }
        }
        return files;
    }

    /** The {@link #KNOWN} files under a classpath folder, e.g. {@code models/lead-score/v0}. */
    public static Map<String, byte[]> fromClasspath(String prefix, ClassLoader loader) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        for (String name : KNOWN) {
            try (InputStream in = loader.getResourceAsStream(prefix + "/" + name)) {
                if (in != null) {
                    files.put(name, in.readAllBytes());
                }
            }
        }
        return files;
    }
}
