import { useMutation } from "@tanstack/react-query";
import { useId, useState } from "react";

import { api, type Product, unwrap } from "../../api/client";
import { ApiProblem, toProblem } from "../../api/problem";
import { ProductImage } from "../../components/ProductImage";
import { ProblemMessage } from "../../components/ui";

export const TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
type ImageType = (typeof TYPES)[number];
const MAX_BYTES = 5 * 1024 * 1024;

function isImageType(type: string): type is ImageType {
  return (TYPES as readonly string[]).includes(type);
}

/** Ticket from the API, upload straight to S3, confirmation (the API checks the file). */
export async function uploadImage(productId: string, file: File): Promise<Product> {
  if (!isImageType(file.type)) {
    throw new ApiProblem(
      toProblem(
        { status: 422, code: "image_invalid", title: "Image refused", type: "", detail: "Choose a JPEG, PNG or WebP image." },
        422,
      ),
    );
  }
  if (file.size > MAX_BYTES) {
    throw new ApiProblem(
      toProblem(
        { status: 422, code: "image_invalid", title: "Image refused", type: "", detail: "The image is larger than 5 MB." },
        422,
      ),
    );
  }
  const path = { product_id: productId };
  const ticket = await unwrap(
    api.POST("/products/{product_id}/image-upload", {
      params: { path },
      body: { content_type: file.type, content_length: file.size },
    }),
  );
  const form = new FormData();
  for (const [name, value] of Object.entries(ticket.fields)) form.append(name, value);
  form.append("file", file); // S3 wants the file last
  const stored = await fetch(ticket.url, { method: "POST", body: form });
  if (!stored.ok) {
    throw new ApiProblem(toProblem(null, stored.status));
  }
  return unwrap(api.PUT("/products/{product_id}/image", { params: { path }, body: { upload_key: ticket.upload_key } }));
}

export function ImageUploader({ product, onChange }: { product: Product; onChange: (p: Product | null) => void }) {
  const inputId = useId();
  const [inputKey, setInputKey] = useState(0);
  const upload = useMutation({
    mutationFn: (file: File) => uploadImage(product.id, file),
    onSuccess: (updated) => {
      setInputKey((k) => k + 1);
      onChange(updated);
    },
  });
  const remove = useMutation({
    mutationFn: () =>
      unwrap(api.DELETE("/products/{product_id}/image", { params: { path: { product_id: product.id } } })),
    onSuccess: () => onChange(null),
  });

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
          accept={TYPES.join(",")}
          disabled={upload.isPending}
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) upload.mutate(file);
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
        <button type="button" className="button secondary" disabled={remove.isPending} onClick={() => remove.mutate()}>
          Remove image
        </button>
      )}
    </div>
  );
}
