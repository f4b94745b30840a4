import { Field } from "../../components/ui";

/** A password being chosen (sign-up, reset, change): the browser may suggest one. */
export function NewPasswordField({
  label,
  value,
  onChange,
  error,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
}) {
  return (
    <Field label={label} error={error} hint="At least 8 characters.">
      {(props) => (
        <input
          {...props}
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
