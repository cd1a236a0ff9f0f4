package dev.closer.inference.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ReplyTextTest {

    @Test
    void gmailAttributionAndQuotedLinesAreCut() {
        ReplyText.Parts parts = ReplyText.parts("""
                Sounds good, can we talk Thursday at 2pm?

                On Tue, Mar 3, 2026 at 10:04 AM Sam Rivera <sam@lumora.example> wrote:
                > Hi Dana,
                > would a 15-minute call next week work?
                """);
        assertEquals("Sounds good, can we talk Thursday at 2pm?", parts.newText());
        assertTrue(parts.quoteRemoved());
        assertFalse(parts.signatureRemoved());
        assertFalse(parts.html());
    }

    @Test
    void attributionWrappedOverTwoLinesIsCut() {
        assertEquals("Not interested, thanks.", ReplyText.newText("""
                Not interested, thanks.

                On Tue, Mar 3, 2026 at 10:04 AM Sam Rivera <
                sam@lumora.example> wrote:
                Hi Dana, quick question for you.
                """));
    }

    @Test
    void outlookOriginalMessageAndHeaderBlocksAreCut() {
        assertEquals("Please remove me from your list.", ReplyText.newText("""
                Please remove me from your list.

                -----Original Message-----
                From: Sam Rivera <sam@lumora.example>
                Sent: Tuesday, March 3, 2026 10:04 AM
                Subject: Quick question
                """));
        assertEquals("Try Jane Moss, she runs RevOps.", ReplyText.newText("""
                Try Jane Moss, she runs RevOps.

                ________________________________
                From: Sam Rivera <sam@lumora.example>
                Sent: Tuesday, March 3, 2026 10:04 AM
                """));
        assertEquals("Wir haben kein Budget dieses Jahr.", ReplyText.newText("""
                Wir haben kein Budget dieses Jahr.

                Von: Sam Rivera <sam@lumora.example>
                Gesendet: Dienstag, 3. März 2026 10:04
                Betreff: Kurze Frage
                """));
    }

    @Test
    void germanAndFrenchAttributionsAreCut() {
        assertEquals("Gerne, nächste Woche.", ReplyText.newText(
                "Gerne, nächste Woche.\n\nAm Di., 3. März 2026 um 10:04 Uhr schrieb Sam <sam@x.example>:\n> Hallo"));
        assertEquals("Pas intéressé.", ReplyText.newText(
                "Pas intéressé.\n\nLe mar. 3 mars 2026 à 10:04, Sam <sam@x.example> a écrit :\n> Bonjour"));
    }

    @Test
    void signaturesAreCut() {
        ReplyText.Parts parts = ReplyText.parts("""
                Happy to take a look, send over the deck.

                Best,
                Dana Whitfield
                VP Operations | Meyer Logistics
                +49 30 1234567
                """);
        assertEquals("Happy to take a look, send over the deck.", parts.newText());
        assertTrue(parts.signatureRemoved());
        assertEquals("Let's do it.", ReplyText.newText("Let's do it.\n\nSent from my iPhone"));
        assertEquals("Call me Monday.", ReplyText.newText("Call me Monday.\n-- \nDana\nwww.meyer.example"));
    }

    @Test
    void aSignOffInsideTheTextOrAloneIsKept() {
        assertEquals("Thanks, but we already use Gong.", ReplyText.newText("Thanks, but we already use Gong."));
        assertEquals("Thanks!", ReplyText.newText("Thanks!"));
        // "Thanks," followed by more than a signature's worth of lines is text, not a sign-off.
        String longTail = "We looked at it.\nThanks,\n" + "a line of real text that goes on\n".repeat(8);
        assertTrue(ReplyText.newText(longTail).contains("Thanks,"));
    }

    @Test
    void aReplyBelowTheQuoteIsFound() {
        assertEquals("Yes, Thursday works.", ReplyText.newText("""
                On Tue, Mar 3, 2026 at 10:04 AM Sam Rivera <sam@lumora.example> wrote:
                > Would Thursday work for a call?

                Yes, Thursday works.
                """));
    }

    @Test
    void htmlBecomesTextWithoutTheGmailQuoteOrSignature() {
        ReplyText.Parts parts = ReplyText.parts("""
                <html><body><div dir="ltr">Interested &mdash; what does it cost for <b>40 seats</b>?<br><br>
                <div class="gmail_signature">Dana<br>VP Ops</div></div>
                <div class="gmail_quote"><div class="gmail_attr">On Tue, Sam wrote:</div>
                <blockquote class="gmail_quote">Hi Dana, would a call work?</blockquote></div></body></html>
                """);
        assertEquals("Interested — what does it cost for 40 seats?", parts.newText());
        assertTrue(parts.html());
        assertTrue(parts.quoteRemoved());
        assertTrue(parts.signatureRemoved());
    }

    @Test
    void outlookHtmlDropsEverythingAfterTheReplyHeader() {
        assertEquals("Out of office until March 10.", ReplyText.newText("""
                <div>Out of office until March 10.</div>
                <div id="appendonsend"></div><hr>
                <div id="divRplyFwdMsg"><b>From:</b> Sam<br><b>Sent:</b> Tuesday</div>
                <div>Hi Dana, would a call work?</div>
                """));
    }

    @Test
    void plainTextOfHtmlKeepsEverythingButTheMarkup() {
        assertEquals("Hi Dana,\n\nWould a call work?\n\nBest,\nSam", ReplyText.plainText(
                "<div>Hi Dana,</div><div><br></div><p>Would a call <b>work</b>?</p><p>Best,<br>Sam</p>"));
        assertEquals("<3 thanks, see you then", ReplyText.plainText("<3 thanks, see you then"));
        assertEquals("plain\ntext", ReplyText.plainText("plain\ntext"));
    }

    @Test
    void emptyAndQuoteOnlyBodiesHaveNoNewText() {
        assertTrue(ReplyText.parts(null).isEmpty());
        assertTrue(ReplyText.parts("  \n ").isEmpty());
        assertTrue(ReplyText.parts("> only a quote\n> nothing else").isEmpty());
        assertTrue(ReplyText.parts("<html><body></body></html>").isEmpty());
    }

    @Test
    void fiftyLevelQuoteChainsAndLargeBodiesTakeLinearTime() {
        StringBuilder chain = new StringBuilder("Not now, maybe next quarter.\n\n");
        for (int level = 1; level <= 50; level++) {
            chain.append(">".repeat(level)).append(" On Mon, Sam wrote:\n").append(">".repeat(level))
                    .append(" earlier message number ").append(level).append('\n');
        }
        String big = "word ".repeat(20_000) + "\nOn Mon, 2 Mar 2026, Sam <s@x.example> wrote:\n"
                + "> quoted ".repeat(5_000);
        String noNewlines = "a".repeat(100_000);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertEquals("Not now, maybe next quarter.", ReplyText.newText(chain.toString()));
            assertEquals(99_999, ReplyText.newText(big).length());
            assertEquals(100_000, ReplyText.newText(noNewlines).length());
            ReplyText.newText("<div>" + "<blockquote>".repeat(50) + "deep" + "</blockquote>".repeat(50) + "</div>");
        });
    }
}
