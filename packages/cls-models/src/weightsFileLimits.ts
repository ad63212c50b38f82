/**
 * Limits on `.pth` and `.safetensors` files, which come from strangers (model hubs, colleagues) and are read into
 * memory whole. Each bounds what a crafted file can make the reader allocate or loop over; each is far above
 * what a real image classifier's `state_dict` needs (torchvision's ResNet-152: 241 MB, 60 M values, ~1,000 zip
 * entries, a 100 KB pickle).
 */
export const WEIGHTS_FILE_LIMITS = {
  /** Bytes of a weights file (read into memory whole). */
  maxFileBytes: 512 * 1024 ** 2,
  /** Values of all tensors of a state_dict together (each becomes a float32). */
  maxStateDictValues: 2 ** 27,
  /** Dimensions of one tensor. */
  maxTensorRank: 16,
  /** Entries of a `torch.save` zip archive. */
  maxZipEntries: 65_535,
  /** Uncompressed bytes of a zip archive as a multiple of its size (torch.save stores its entries uncompressed). */
  maxZipExpansion: 8,
  /** Uncompressed bytes of a zip archive, whatever its size. */
  maxZipUncompressedBytes: 512 * 1024 ** 2,
  /** Bytes of a `data.pkl`. */
  maxPickleBytes: 32 * 1024 ** 2,
  /** Values a pickle may create (opcodes that push something). */
  maxPickleValues: 2 ** 20,
  /** Nesting of `{"state_dict": {"model": …}}` wrappers around the weights. */
  maxStateDictWrappers: 8,
  /** Bytes of a safetensors JSON header (the format's own limit is 100 MB). */
  maxSafetensorsHeaderBytes: 16 * 1024 ** 2,
} as const;
