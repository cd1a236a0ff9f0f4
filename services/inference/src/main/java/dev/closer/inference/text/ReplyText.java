package dev.closer.inference.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * The new text of an email reply: what its sender wrote this time, without the quoted chain below it, the signature
 * or the HTML markup. The reply-intent classifier reads only this, in training (through the embed command's
 * {@code --reply} option) and in serving.
 *
 * <p>Rules, applied in this order:
 * <ol>
 *   <li>HTML (a body that starts with markup or holds {@code <html>}, {@code <body>}, {@code <div>}, {@code <p>} or
 *       {@code <br>}) becomes text: quote containers are dropped with everything after them (Gmail's
 *       {@code .gmail_quote}, Apple/Thunderbird {@code blockquote[type=cite]} and {@code .moz-cite-prefix}, Outlook's
 *       {@code #divRplyFwdMsg} / {@code #appendonsend}, Yahoo's {@code .yahoo_quoted}), as are signature blocks
 *       ({@code .gmail_signature}); block elements and {@code <br>} become line breaks.</li>
 *   <li>The text is cut at the first line that starts the quoted chain: a line quoted with {@code >}; an attribution
 *       ("On Tue, 3 Mar 2026, Jane &lt;jane@x&gt; wrote:", also wrapped over two lines and in German, French,
 *       Spanish, Italian, Dutch and Portuguese); "-----Original Message-----", "Forwarded message", "Begin
 *       forwarded message:"; an Outlook rule line of underscores; an Outlook header block ("From:" followed within
 *       five lines by "Sent:" or "Date:").</li>
 *   <li>When nothing but blank lines comes before the chain (a reply written below or between the quotes), the new
 *       text is every line after it that is neither quoted nor a header of the chain.</li>
 *   <li>The signature is cut: at a {@code --} line, at "Sent from my ..." / "Get Outlook for ...", or at a
 *       sign-off line on its own ("Best,", "Thanks", "Kind regards", "Viele Grüße", "Cordialement" ...) followed by
 *       at most six short lines (a name, a title, a phone number). A sign-off that is the whole reply is kept.</li>
 *   <li>Lines are trimmed, runs of blank lines become one, and the result is trimmed.</li>
 * </ol>
 * Every rule reads each line once, with patterns of bounded length, so a 100 kB body or a 50-level quote chain costs
 * time linear in its size.
 */
public final class ReplyText {

    /** The new text and what was taken away from the raw body to get it (shown with an intent, for audit). */
    public record Parts(String newText, boolean html, boolean quoteRemoved, boolean signatureRemoved) {
        public boolean isEmpty() {
            return newText.isEmpty();
        }
    }

    private static final Pattern HTML = Pattern.compile(
            "(?is)^\\s*<(!doctype|html|head|body|div|p|table|span|meta|style)\\b"
                    + "|<(html|body|div|p|br|table|span)[\\s>/]");
    private static final Pattern QUOTED = Pattern.compile("^\\s*>");
    private static final Pattern ATTRIBUTION = Pattern.compile(
            "(?iu)^\\s*(on|am|le|el|il|op|em)\\s.{1,400}\\s(wrote|schrieb|a\\s+écrit|escribió|ha\\s+scritto|schreef"
                    + "|escreveu)(\\s.{1,200})?\\s*:\\s*$");
    private static final Pattern ATTRIBUTION_START = Pattern.compile("(?iu)^\\s*(on|am|le|el|il|op|em)\\s");
    private static final Pattern SEPARATOR = Pattern.compile(
            "(?iu)^\\s*(-{2,}\\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original"
                    + "|forwarded message|weitergeleitete nachricht)\\s*-{2,}.*|begin forwarded message:\\s*"
                    + "|_{10,}\\s*)$");
    private static final Pattern HEADER_FROM = Pattern.compile("(?iu)^\\s*\\*?(from|von|de|da|van)\\s*:\\*?\\s*\\S");
    private static final Pattern HEADER_DATE = Pattern.compile(
            "(?iu)^\\s*\\*?(sent|date|gesendet|datum|envoyé|enviado|inviato|verzonden)\\s*:");
    private static final Pattern HEADER_ANY = Pattern.compile(
            "(?iu)^\\s*\\*?(from|to|cc|sent|date|subject|von|an|gesendet|datum|betreff|de|à|envoyé|objet)\\s*:");
    private static final Pattern DASHES = Pattern.compile("^\\s*--\\s*$");
    private static final Pattern MOBILE = Pattern.compile(
            "(?iu)^\\s*(sent from my\\s|sent from mail for|sent from outlook|get outlook for\\s|von meinem\\s.{1,40}"
                    + "gesendet|envoyé de mon\\s)");
    private static final Pattern SIGN_OFF = Pattern.compile(
            "(?iu)^\\s*(best|best regards|best wishes|kind regards|warm regards|warmly|regards|many thanks"
                    + "|thanks|thank you|thanks again|thx|cheers|sincerely|all the best|talk soon|br|rgds"
                    + "|mit freundlichen grüßen|viele grüße|beste grüße|liebe grüße|grüße|lg|vg|cordialement"
                    + "|bien à vous|bien cordialement|merci|saludos|un saludo|groeten|met vriendelijke groet)"
                    + "\\s*[,.!]*\\s*$");
    private static final int SIGNATURE_LINES = 6;
    private static final int SIGNATURE_LINE_LENGTH = 80;

    private static final Set<String> BLOCKS = Set.of("p", "div", "br", "li", "tr", "table", "ul", "ol", "h1", "h2",
            "h3", "h4", "h5", "h6", "pre", "blockquote", "section", "article", "header", "footer", "hr");
    private static final String QUOTE_CONTAINERS = ".gmail_quote, blockquote[type=cite], .moz-cite-prefix, "
            + "#divRplyFwdMsg, #appendonsend, .yahoo_quoted, #divRplyFwdMsg ~ *, #appendonsend ~ *";
    private static final String SIGNATURES = ".gmail_signature, [data-smartmail=gmail_signature], "
            + ".moz-signature, #Signature";

    private ReplyText() {
    }

    /** The new text of a reply's raw body (plain text or HTML); empty when there is none. */
    public static String newText(String raw) {
        return parts(raw).newText();
    }

    /** The new text of a reply's raw body, with what was removed. */
    public static Parts parts(String raw) {
        if (raw == null || raw.isBlank()) {
            return new Parts("", false, false, false);
        }
        boolean html = HTML.matcher(raw.length() > 4096 ? raw.substring(0, 4096) : raw).find();
        boolean quoteRemoved = false;
        boolean signatureRemoved = false;
        String text = raw;
        if (html) {
            Document doc = Jsoup.parse(raw);
            quoteRemoved = !doc.select(QUOTE_CONTAINERS).remove().isEmpty();
            signatureRemoved = !doc.select(SIGNATURES).remove().isEmpty();
            text = toText(doc.body() != null ? doc.body() : doc);
        }
        List<String> lines = new ArrayList<>(Arrays.asList(text.replace("\r\n", "\n").replace('\r', '\n')
                .split("\n", -1)));

        int chain = chainStart(lines);
        if (chain >= 0) {
            quoteRemoved = true;
            if (lines.subList(0, chain).stream().allMatch(String::isBlank)) {
                lines = belowQuotes(lines, chain);
            } else {
                lines = new ArrayList<>(lines.subList(0, chain));
            }
        }
        int signature = signatureStart(lines);
        if (signature >= 0) {
            signatureRemoved = true;
            lines = lines.subList(0, signature);
        }
        return new Parts(tidy(lines), html, quoteRemoved, signatureRemoved);
    }

    /**
     * The plain text of a body that may be HTML (a draft pasted from a mail client, an email a CRM sent as HTML):
     * markup becomes text as in {@link #parts}, nothing else is removed. Plain text is returned as it is.
     */
    public static String plainText(String raw) {
        if (raw == null || raw.isBlank() || !HTML.matcher(raw.length() > 4096 ? raw.substring(0, 4096) : raw).find()) {
            return raw == null ? "" : raw;
        }
        Document doc = Jsoup.parse(raw);
        return tidy(Arrays.asList(toText(doc.body() != null ? doc.body() : doc).split("\n", -1)));
    }

    /** Index of the first line of the quoted chain, or -1. */
    private static int chainStart(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.length() > 1000) {
                continue; // no header or attribution is that long; a pasted blob is text
            }
            if (QUOTED.matcher(line).find() || SEPARATOR.matcher(line).matches()
                    || ATTRIBUTION.matcher(line).matches()) {
                return i;
            }
            if (i + 1 < lines.size() && ATTRIBUTION_START.matcher(line).find() && line.length() < 400
                    && ATTRIBUTION.matcher(line + " " + lines.get(i + 1)).matches()) {
                return i;
            }
            if (HEADER_FROM.matcher(line).find()) {
                for (int j = i + 1; j < Math.min(lines.size(), i + 6); j++) {
                    if (HEADER_DATE.matcher(lines.get(j)).find()) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    /** A reply written below the quotes: the lines after the chain start that are not quoted and not headers. */
    private static List<String> belowQuotes(List<String> lines, int chain) {
        List<String> kept = new ArrayList<>();
        boolean inHeader = false;
        for (int i = chain; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.length() <= 1000 && (QUOTED.matcher(line).find() || SEPARATOR.matcher(line).matches()
                    || ATTRIBUTION.matcher(line).matches())) {
                continue;
            }
            if (line.length() <= 1000 && HEADER_ANY.matcher(line).find()) {
                inHeader = true;
                continue;
            }
            if (inHeader && line.isBlank()) {
                inHeader = false;
                continue;
            }
            if (!inHeader) {
                kept.add(line);
            }
        }
        return kept;
    }

    /** Index of the first line of the signature, or -1. */
    private static int signatureStart(List<String> lines) {
        int firstText = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            if (firstText < 0) {
                firstText = i;
            }
            if (DASHES.matcher(line).matches() || MOBILE.matcher(line).find()) {
                return i;
            }
            if (i > firstText && line.length() <= SIGNATURE_LINE_LENGTH && SIGN_OFF.matcher(line).matches()
                    && shortTail(lines, i + 1)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean shortTail(List<String> lines, int from) {
        int count = 0;
        for (int i = from; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            if (++count > SIGNATURE_LINES || line.length() > SIGNATURE_LINE_LENGTH) {
                return false;
            }
        }
        return true;
    }

    private static String tidy(List<String> lines) {
        StringBuilder out = new StringBuilder();
        boolean blank = false;
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                blank = out.length() > 0;
                continue;
            }
            if (blank) {
                out.append("\n\n");
            } else if (out.length() > 0) {
                out.append('\n');
            }
            out.append(trimmed);
            blank = false;
        }
        return out.toString();
    }

    /** The text of an HTML element: whitespace collapsed inside text, a line break around each block. */
    private static String toText(Element root) {
        StringBuilder out = new StringBuilder();
        NodeTraversor.traverse(new NodeVisitor() {
            @Override
            public void head(Node node, int depth) {
                if (node instanceof TextNode textNode) {
                    String t = textNode.getWholeText().replaceAll("[\\s\\u00a0]+", " ");
                    if (!t.isBlank() || (out.length() > 0 && out.charAt(out.length() - 1) != '\n')) {
                        out.append(t);
                    }
                } else if (node instanceof Element e && BLOCKS.contains(e.normalName())) {
                    out.append('\n');
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element e && BLOCKS.contains(e.normalName()) && !"br".equals(e.normalName())) {
                    out.append('\n');
                }
            }
        }, root);
        return out.toString();
    }
}
