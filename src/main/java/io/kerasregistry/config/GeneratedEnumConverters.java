package io.kerasregistry.config;

import java.lang.reflect.Method;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.convert.converter.ConverterFactory;

/**
 * Binds path and query parameters to the enums generated from {@code openapi.yaml} by their contract
 * spelling ({@code regularizer}), through each enum's {@code fromValue}, instead of by Java constant
 * name ({@code REGULARIZER}). An unknown value becomes a 400.
 */
final class GeneratedEnumConverters implements ConverterFactory<String, Enum<?>> {

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <T extends Enum<?>> Converter<String, T> getConverter(Class<T> targetType) {
        Method fromValue;
        try {
            fromValue = targetType.getMethod("fromValue", String.class);
        } catch (NoSuchMethodException notGenerated) {
            return source -> (T) Enum.valueOf((Class) targetType, source.trim());
        }
        return source -> {
            try {
                return (T) fromValue.invoke(null, source);
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("'" + source + "' is not one of the allowed values", e.getCause());
            }
        };
    }
}
