package io.tsconnector.adapters.protocol;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.List;

/**
 * Codec support: the generated protobuf parser files a field of a known number that arrives with another wire
 * type (a varint where a message belongs, say) among the unknown fields and carries on, so such a body would
 * parse as a valid, emptier message. Prometheus' own decoder refuses it; so does this check, over the whole
 * message tree.
 */
final class SchemaCheck {
    private SchemaCheck() {
    }

    /** The first known field received with the wrong wire type, as "field N of Type", or null. */
    static String misTypedField(Message message) {
        for (int number : message.getUnknownFields().asMap().keySet()) {
            if (message.getDescriptorForType().findFieldByNumber(number) != null) {
                return "field " + number + " of " + message.getDescriptorForType().getName();
            }
        }
        for (FieldDescriptor f : message.getDescriptorForType().getFields()) {
            if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            if (f.isRepeated()) {
                for (Object element : (List<?>) message.getField(f)) {
                    String bad = misTypedField((Message) element);
                    if (bad != null) {
                        return bad;
                    }
                }
            } else if (message.hasField(f)) {
                String bad = misTypedField((Message) message.getField(f));
                if (bad != null) {
                    return bad;
                }
            }
        }
        return null;
    }

    /** @throws ProtocolException 400 naming the field when {@code message} holds a known field of the wrong wire type */
    static void requireWellTyped(Message message, String what) {
        String bad = misTypedField(message);
        if (bad != null) {
            throw ProtocolException.badRequest("undecodable " + what + ": " + bad + " has the wrong wire type");
        }
    }
}
