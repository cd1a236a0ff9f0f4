package dev.closer.inference.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The embed command writes what serving computes, in a file NumPy reads. */
class EmbedCommandTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteServingsVectorsAsANpyMatrixWithTheIdsBeside() throws Exception {
        Path input = dir.resolve("texts.jsonl");
        Files.writeString(input, """
                {"id": "e-1", "text": "Can we move our call to Thursday?"}

                {"id": 7, "text": "Please unsubscribe me 😀"}
                {"text": ""}
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = new CommandLine(new EmbedCommand(new PrintStream(out, true, StandardCharsets.UTF_8), System.err))
                .execute(input.toString(), "--out", dir.resolve("out").toString(), "--model", "minilm",
                        "--threads", "2", "--chunk", "2");
        assertEquals(0, exit);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("3 texts with minilm"), out::toString);

        byte[] npy = Files.readAllBytes(dir.resolve("out.npy"));
        ByteBuffer buffer = ByteBuffer.wrap(npy).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals((byte) 0x93, buffer.get(0));
        int headerLength = buffer.getShort(8);
        String header = new String(npy, 10, headerLength, StandardCharsets.US_ASCII);
        assertTrue(header.contains("'descr': '<f4'") && header.contains("'shape': (3, 384)"), header);
        assertEquals(0, (10 + headerLength) % 64, "NumPy aligns the data to 64 bytes");
        assertEquals(10 + headerLength + 3 * 384 * 4, npy.length);

        List<String> texts = List.of("Can we move our call to Thursday?", "Please unsubscribe me 😀", "");
        try (TextEncoder encoder = TextEncoder.open(TextEncoderOptions.of(EncoderModel.MINILM))) {
            buffer.position(10 + headerLength);
            for (String text : texts) {
                float[] row = new float[384];
                buffer.asFloatBuffer().get(row);
                buffer.position(buffer.position() + 384 * 4);
                assertArrayEquals(encoder.embed(text), row, text);
            }
        }
        assertEquals(List.of("\"e-1\"", "7", "4"), Files.readAllLines(dir.resolve("out.ids.jsonl")));
    }

    @Test
    void shouldRefuseALineWithoutTextNamingIt() throws Exception {
        Path input = dir.resolve("bad.jsonl");
        Files.writeString(input, "{\"id\": 1, \"text\": \"fine\"}\n{\"id\": 2}\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new CommandLine(new EmbedCommand(System.out, new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute(input.toString(), "--out", dir.resolve("bad").toString(), "--model", "minilm");
        assertEquals(1, exit);
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("line 2") && message.contains("\"text\""), message);
    }
}
