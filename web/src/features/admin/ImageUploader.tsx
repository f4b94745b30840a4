import { useId, useState } from "react";

import type { Product } from "../../api/client";
import { ProductImage } from "../../components/ProductImage";
import { ProblemMessage } from "../../components/ui";
import { IMAGE_TYPES, useRemoveImage, useUploadImage } from "./api";

export function ImageUploader({ product, onChange }: { product: Product; onChange: (p: Product | null) => void }) {
  const inputId = useId();
  const [inputKey, setInputKey] = useState(0);
  const upload = useUploadImage(product.id);
  const remove = useRemoveImage(product.id);

  return (
    <div className="card image-uploader">
      <h2>Photo</h2>
      <ProductImage name={product.name} url={product.image_url} size="large" />
      <div className="field">
        <label htmlFor={inputId}>Image</label>
        <input
          key={inputKey}
          id={inputId}
          type="file"
          accept={IMAGE_TYPES.join(",")}
          disabled={upload.isPending}
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) {
              upload.mutate(file, {
                onSuccess: (updated) => {
                  setInputKey((k) => k + 1);
                  onChange(updated);
                },
              });
            }
          }}
        />
        <p className="hint">JPEG, PNG or WebP, up to 5 MB.</p>
      </div>
      {upload.isPending && (
        <p role="status" className="muted">
          Uploading…
        </p>
      )}
      <ProblemMessage error={upload.error ?? remove.error} />
      {product.image_url && (
        <button type="button" className="button secondary" disabled={remove.isPending} onClick={() => remove.mutate(undefined, { onSuccess: () => onChange(null) })}>
          Remove image
        </button>
      )}
    </div>
  );
}
