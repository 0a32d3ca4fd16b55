/** A WordPress `WP_Error` as the REST server renders it: `{code, message, data}`. */
export class WpError extends Error {
  readonly code: string;
  readonly data: Record<string, unknown>;

  constructor(code: string, message: string, data: Record<string, unknown> | number) {
    super(message);
    this.code = code;
    this.data = typeof data === 'number' ? { status: data } : data;
  }

  get status(): number {
    const status = this.data['status'];
    return typeof status === 'number' ? status : 500;
  }

  toJSON(): { code: string; message: string; data: Record<string, unknown> } {
    return { code: this.code, message: this.message, data: this.data };
  }
}

export const noRoute = (): WpError =>
  new WpError('rest_no_route', 'No route was found matching the URL and request method.', 404);

/** The messages WooCommerce's permission checks use when nobody is authenticated. */
export type Operation = 'list' | 'view' | 'create' | 'edit' | 'delete' | 'batch';

export function permissionError(operation: Operation): WpError {
  const status = { status: 401 };
  switch (operation) {
    case 'list':
      return new WpError('woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.', status);
    case 'view':
      return new WpError('woocommerce_rest_cannot_view', 'Sorry, you cannot view this resource.', status);
    case 'create':
      return new WpError('woocommerce_rest_cannot_create', 'Sorry, you are not allowed to create resources.', status);
    case 'edit':
      return new WpError('woocommerce_rest_cannot_edit', 'Sorry, you are not allowed to edit this resource.', status);
    case 'delete':
      return new WpError('woocommerce_rest_cannot_delete', 'Sorry, you are not allowed to delete this resource.', status);
    case 'batch':
      return new WpError(
        'woocommerce_rest_cannot_batch',
        'Sorry, you are not allowed to batch manipulate this resource.',
        status,
      );
  }
}
