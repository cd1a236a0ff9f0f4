package dev.closer.benchmarks;

import dev.closer.ingest.call.CallAnalyzer.Tracker;
import java.util.List;

/** The default trackers as V12__call_analysis.sql seeds them (a copy: the benchmark reads no database). */
final class DefaultTrackers {

    static final List<Tracker> ALL = List.of(
            keyword("pricing", "price", "pricing", "cost", "costs", "discount", "per seat", "per user", "license fee",
                    "quote"),
            keyword("competitors", "competitor", "competitors", "alternative", "alternatives", "other vendor",
                    "other vendors", "switch from"),
            keyword("next steps", "next step", "next steps", "follow up", "follow-up", "send over", "schedule",
                    "calendar invite"),
            keyword("objections", "concern", "concerns", "not sure", "too expensive", "worried", "hesitant",
                    "not a priority"),
            keyword("budget", "budget", "budgeted", "funding", "spend", "fiscal year"),
            keyword("timeline", "timeline", "deadline", "by the end of", "this quarter", "next quarter", "go live",
                    "go-live", "rollout"),
            keyword("decision makers", "decision maker", "decision makers", "sign off", "sign-off", "approve",
                    "approval", "my boss", "procurement", "legal team"),
            semantic("pricing", "How much does this cost?", "What would the price be for our team?",
                    "Can you walk me through your pricing tiers?", "Is there a discount if we sign for two years?"),
            semantic("competitors", "We are also evaluating another vendor.",
                    "How are you different from your main competitor?", "We currently use a different tool for this.",
                    "Another company offered us something similar."),
            semantic("next steps", "Let us schedule a follow-up meeting next week.",
                    "I will send you the proposal after this call.", "What are the next steps from here?",
                    "Can we book a demo with my team?"),
            semantic("objections", "I am not sure this is the right fit for us.",
                    "That seems too expensive for what it does.", "We are worried about the implementation effort.",
                    "This is not a priority for us right now."),
            semantic("budget", "Do you have budget set aside for this?", "Our budget for this year is already allocated.",
                    "We need to find the money for this project.", "How much are you planning to spend on this?"),
            semantic("timeline", "When do you need this to be live?",
                    "We want to roll this out by the end of the quarter.",
                    "What is your timeline for making a decision?", "We have a hard deadline in March."),
            semantic("decision makers", "Who else is involved in making this decision?",
                    "My manager has to approve the purchase.",
                    "Procurement and legal will need to review the contract.", "The final sign-off is with our CFO."));

    private DefaultTrackers() {
    }

    private static Tracker keyword(String name, String... phrases) {
        return new Tracker(0, name, Tracker.KEYWORD, List.of(phrases), List.of(), 1);
    }

    private static Tracker semantic(String name, String... examples) {
        return new Tracker(0, name, Tracker.SEMANTIC, List.of(), List.of(examples), 0.70);
    }
}
