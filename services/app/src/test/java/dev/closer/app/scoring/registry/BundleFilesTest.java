package dev.closer.app.scoring.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** Reading an uploaded model folder from a zip, and what is refused with which status. */
class BundleFilesTest {

    static byte[] zip(Map<String, String> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static Map<String, String> of(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void shouldReadFilesAtTheTopOrInOneFolderAndSkipFolderMetadata() throws IOException {
        Map<String, byte[]> top = BundleFiles.fromZip(zip(of("model.onnx", "m", "features.json", "{}")), 1000);
        assertEquals(Set.of("model.onnx", "features.json"), top.keySet());
        Map<String, byte[]> nested = BundleFiles.fromZip(zip(of("v7/", "", "v7/model.onnx", "m",
                "v7/features.json", "{}", "v7/parity.jsonl", "{}", "__MACOSX/v7/._model.onnx", "x",
                "v7/.DS_Store", "x")), 1000);
        assertEquals(Set.of("model.onnx", "features.json", "parity.jsonl"), nested.keySet());
        assertArrayEquals("m".getBytes(StandardCharsets.UTF_8), nested.get("model.onnx"));
    }

    @Test
    void shouldSayWhatIsWrongWithAnUpload() throws IOException {
        RegistryException notZip = assertThrows(RegistryException.class,
                () -> BundleFiles.fromZip("hello".getBytes(StandardCharsets.UTF_8), 1000));
        assertEquals(400, notZip.status());
        assertTrue(notZip.getMessage().startsWith("The body is not a zip archive"), notZip.getMessage());

        RegistryException missing = assertThrows(RegistryException.class,
                () -> BundleFiles.fromZip(zip(of("model.onnx", "m", "card.md", "#")), 1000));
        assertEquals(422, missing.status());
        assertTrue(missing.getMessage().startsWith("The bundle has no features.json (it holds: card.md, "
                + "model.onnx)"), missing.getMessage());

        RegistryException subFolder = assertThrows(RegistryException.class, () -> BundleFiles.fromZip(
                zip(of("model.onnx", "m", "features.json", "{}", "extra/notes.txt", "x")), 1000));
        assertEquals(422, subFolder.status());
        assertTrue(subFolder.getMessage().contains("extra/notes.txt in a sub-folder"), subFolder.getMessage());

        RegistryException bomb = assertThrows(RegistryException.class,
                () -> BundleFiles.fromZip(zip(of("model.onnx", "0".repeat(5000), "features.json", "{}")), 1000));
        assertEquals(413, bomb.status());

        RegistryException empty = assertThrows(RegistryException.class, () -> BundleFiles.fromZip(zip(of()), 1000));
        assertEquals(422, empty.status());
    }
}
