package dev.closer.ingest.webhook;

import dev.closer.ingest.CrmEvent;
import java.io.ByteArrayInputStream;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Salesforce Outbound Messages: a SOAP {@code notifications} envelope with up to 100 {@code Notification}s, each an
 * {@code sObject} (Lead, Contact, Account, Opportunity) with the fields the message was set up to send. Answered
 * with the {@code Ack} envelope ({@link #ACK}); until Salesforce gets it, it retries the message.
 *
 * <p>Salesforce signs nothing. A message is taken when its {@code OrganizationId} is on the source's allow-list;
 * the transport is what authenticates it (TLS, and Salesforce's client certificate checked by the proxy in front
 * of Closer; see the README). Each notification's {@code Id} is stable across retries and becomes the event id.
 *
 * <p>The parser reads no DTD and resolves no external entity (XXE).
 */
public final class SalesforceOutboundMessages {

    public static final String ACK = """
            <?xml version="1.0" encoding="UTF-8"?>
            <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
             <soapenv:Body>
              <notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">
               <Ack>true</Ack>
              </notificationsResponse>
             </soapenv:Body>
            </soapenv:Envelope>
            """;

    private static final String XSI = XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI;
    private static final int MAX_NOTIFICATIONS = 100;

    /** One notification: its id, the sObject's type and fields ({@code null} for xsi:nil). */
    public record Notification(String id, String type, Map<String, String> fields) {
    }

    /** A parsed message. */
    public record Message(String organizationId, List<Notification> notifications) {
    }

    private SalesforceOutboundMessages() {
    }

    /**
     * Parses a message.
     *
     * @throws WebhookRejection 400 when it is not a notifications envelope
     */
    public static Message parse(byte[] body) {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        String org = null;
        List<Notification> notifications = new ArrayList<>();
        boolean sawNotifications = false;
        try {
            XMLStreamReader xml = factory.createXMLStreamReader(new ByteArrayInputStream(body));
            String notificationId = null;
            String objectType = null;
            Map<String, String> fields = null;
            boolean inObject = false;
            while (xml.hasNext()) {
                int token = xml.next();
                if (token != XMLStreamConstants.START_ELEMENT && token != XMLStreamConstants.END_ELEMENT) {
                    continue;
                }
                String name = xml.getLocalName();
                if (token == XMLStreamConstants.END_ELEMENT) {
                    if (name.equals("sObject")) {
                        inObject = false;
                    } else if (name.equals("Notification")) {
                        if (notificationId == null || objectType == null) {
                            throw new WebhookRejection(400, "malformed", "Notification " + (notifications.size() + 1)
                                    + " needs an Id and an sObject with xsi:type");
                        }
                        notifications.add(new Notification(notificationId, objectType, fields));
                        if (notifications.size() > MAX_NOTIFICATIONS) {
                            throw new WebhookRejection(413, "too_large", "An outbound message holds at most "
                                    + MAX_NOTIFICATIONS + " notifications");
                        }
                        notificationId = null;
                        objectType = null;
                        fields = null;
                    }
                    continue;
                }
                if (inObject) { // a field of the sObject
                    boolean nil = "true".equals(xml.getAttributeValue(XSI, "nil"));
                    String text = xml.getElementText().trim();
                    fields.put(name, nil ? null : text);
                    continue;
                }
                switch (name) {
                    case "notifications" -> sawNotifications = true;
                    case "OrganizationId" -> org = xml.getElementText().trim();
                    case "Id" -> notificationId = xml.getElementText().trim();
                    case "sObject" -> {
                        String type = xml.getAttributeValue(XSI, "type");
                        objectType = type == null ? null : type.substring(type.indexOf(':') + 1);
                        fields = new HashMap<>();
                        inObject = true;
                    }
                    default -> {
                    }
                }
            }
        } catch (XMLStreamException e) {
            throw new WebhookRejection(400, "malformed", "Not a SOAP envelope: " + e.getMessage());
        }
        if (!sawNotifications || org == null) {
            throw new WebhookRejection(400, "malformed", "Not a Salesforce outbound message: it needs a "
                    + "notifications element with an OrganizationId");
        }
        return new Message(org, notifications);
    }

    /**
     * Checks the organisation against the allow-list; 15- and 18-character ids match on their first 15.
     *
     * @throws WebhookRejection 401 when it is not allowed
     */
    public static void checkOrganization(Message message, Set<String> allowed) {
        String org = message.organizationId();
        String short15 = org.length() >= 15 ? org.substring(0, 15) : org;
        for (String id : allowed) {
            if (id.equals(org) || (id.length() >= 15 && id.substring(0, 15).equals(short15))) {
                return;
            }
        }
        throw WebhookRejection.unauthorized("unknown_organization", "Organization " + org + " is not on this "
                + "source's allow-list (organization-ids)");
    }

    /** Maps the notifications: each one's fields set the record's fields (a patch of those fields). */
    public static CrmEvents.Mapped events(Message message, CrmMapping mapping, CrmEvents events) {
        List<CrmEvent> out = new ArrayList<>();
        int ignored = 0;
        for (Notification n : message.notifications()) {
            if (mapping.entity(n.type()).isEmpty() || n.fields().get("Id") == null) {
                ignored++;
                continue;
            }
            String modified = n.fields().getOrDefault("LastModifiedDate", n.fields().get("SystemModstamp"));
            OffsetDateTime time;
            try {
                time = modified == null ? OffsetDateTime.now(ZoneOffset.UTC) : OffsetDateTime.parse(modified);
            } catch (RuntimeException e) {
                throw new WebhookRejection(400, "malformed", "Notification " + n.id() + ": LastModifiedDate '"
                        + modified + "' is not an ISO date-time");
            }
            Map<String, Object> properties = new HashMap<>(n.fields());
            properties.remove("LastModifiedDate");
            properties.remove("SystemModstamp");
            out.add(events.patch("salesforce:" + message.organizationId() + ":" + n.id(), time,
                    mapping.map(n.type(), n.fields().get("Id"), properties)));
        }
        return new CrmEvents.Mapped(out, ignored);
    }
}
