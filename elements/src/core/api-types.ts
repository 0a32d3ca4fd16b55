/**
 * Generated from the bridge server's OpenAPI document by `npm run -w @dockhand/elements generate:api`.
 * Do not edit: change the route's zod schemas, then run the script again (a test fails while it is stale).
 */
export interface paths {
  '/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Liveness and dependency checks */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Health'];
          };
        };
        /** @description A check failed or did not answer within 2 s (`status: "degraded"`, same body) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/metrics': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Prometheus metrics (text format): with DOCKHAND_METRICS_TOKEN, for its bearer; otherwise for loopback clients only, or on DOCKHAND_METRICS_PORT instead */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description DOCKHAND_METRICS_TOKEN is set and the bearer is not it */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description No token configured and the client is not on loopback (or came through a proxy) */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/shopify/auth': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Starts the Shopify OAuth install (state cookie, redirect to the shop’s authorize page); with a connect token, first a page naming the organization the shop will join */
    get: {
      parameters: {
        query: {
          connect_token?: string;
          shop: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        302: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The connect token is not valid or has expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description A client Shopify’s library takes for a bot (by its User-Agent): open the link in a browser */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database is unavailable, or Shopify is not configured on this server */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    /** The admin confirms a connect-token install (the form of the page GET /shopify/auth shows) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        302: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Invalid form */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The connect link expired or belongs to another browser */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description A client Shopify’s library takes for a bot (by its User-Agent): open the link in a browser */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database is unavailable, or Shopify is not configured on this server */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/shopify/auth/callback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Completes the Shopify OAuth install (HMAC, state, code exchange); redirects to the app */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        302: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description A callback Shopify did not sign, a stale or foreign state, or a token for another shop */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The connect link expired or belongs to another browser */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The shop is connected to another Dockhand organization */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database is unavailable, or Shopify is not configured on this server */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/shopify/connect-token': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** A short-lived link that installs Dockhand on one Shopify shop into the caller’s organization (owner/admin); bound to the caller’s browser by a cookie */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': {
            shop: string;
          };
        };
      };
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: {
                connectToken: string;
                expiresIn: number;
                installUrl: string;
              };
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Owners and admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database is unavailable, or Shopify is not configured on this server */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/shopify/session': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Embedded app: exchanges a Shopify session token for the shop’s offline token when needed; `reconnect: true` revives a store an admin disconnected */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': {
            reconnect?: boolean;
          };
        };
      };
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: {
                created: boolean;
                /** Format: uuid */
                orgId: string;
                shop: string;
                /** Format: uuid */
                storeId: string;
              };
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing or invalid Shopify session token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The shop is connected to another Dockhand organization, or an admin disconnected it (send reconnect) */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database is unavailable, or Shopify is not configured on this server */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/auth/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Sign in; sets the refresh cookie
     * @description Each membership has its own password (and one-time code): the password is checked against every membership with this email (at most 20, oldest first), or only the one in orgId. Answers a Session (and the refresh cookie) when it opens one membership, or an OrganizationChoice when it opens several and no orgId says which; a password opens only the memberships it was set for. Wrong credentials, wrong or already used one-time codes and unknown emails all answer the same 401; repeated attempts for one email from one address are slowed down with growing delays (429 with retryAfter and Retry-After), known and unknown emails alike.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': components['schemas']['LoginRequest'];
        };
      };
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Session'] | components['schemas']['OrganizationChoice'];
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Wrong credentials or one-time code, or an unknown email (all the same) */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/auth/logout': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Revoke the refresh token family and clear the cookie */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/auth/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The signed-in user */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['SessionUser'];
            };
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/auth/password': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Change the password of the membership you are signed in to; ends its sessions and answers a fresh one */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': components['schemas']['PasswordChange'];
        };
      };
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Session'];
          };
        };
        /** @description Invalid input, a wrong current password, or a new password too short or too common */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/auth/refresh': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Rotate the refresh cookie and get a new access token */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Session'];
          };
        };
        /** @description No refresh cookie, or one that is expired, revoked or reused */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/auth/totp/enroll': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start TOTP enrolment, with the current password typed again: returns the secret and otpauth URI
     * @description The password is asked again so that a stolen access token alone cannot turn two-factor sign-in on with a secret of its own and lock the member out. Wrong passwords count against the sign-in throttle.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': components['schemas']['TotpEnrolment'];
        };
      };
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: {
                secret: string;
                uri: string;
              };
            };
          };
        };
        /** @description Invalid input, or a wrong current password */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Two-factor sign-in is already on */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/auth/totp/verify': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Confirm TOTP enrolment with a current code; sign-in then requires a code */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': {
            code: string;
          };
        };
      };
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: {
                totpEnabled: boolean;
              };
            };
          };
        };
        /** @description Invalid input, or a wrong code */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Two-factor sign-in is already on */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/customers': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List customers: search, sort, keyset pages (merchants see their stores only)
     * @description Customers deleted on the store are hidden unless `includeDeleted=true`. A redacted customer shows no personal data and is never found by `q`.
     */
    get: {
      parameters: {
        query?: {
          cursor?: string;
          /** @description Also list customers deleted on the store (`deletedAt` set) */
          includeDeleted?: '0' | '1' | 'true' | 'false';
          limit?: number;
          /** @description Searches name and email (at least 3 characters in a row, without spaces) */
          q?: string;
          /** @description Sort key: updated, created, name; prefix - for descending (default -updated) */
          sort?: string;
          /** @description One value, several separated by commas, or the parameter repeated */
          store?: string | string[];
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['Customer'][];
              page: {
                nextCursor: string | null;
              };
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/customers/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One customer with its recent orders */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['CustomerDetail'];
            };
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not found (also for another organization’s ids and malformed ids) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/inventory': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Stock levels per variant and location, now or as of an instant (`at`, from the ledger) */
    get: {
      parameters: {
        query?: {
          /** @description Levels as of this instant, from the ledger (levels with no movement by then are not listed) */
          at?: string;
          cursor?: string;
          limit?: number;
          location?: string;
          /** @description Only levels at or below their threshold */
          low?: 'true' | 'false';
          q?: string;
          store?: string;
          variant?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['InventoryLevel'][];
              page: {
                nextCursor: string | null;
              };
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/inventory/ledger': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every stock movement, newest first: source, delta, resulting quantity, reason, actor, request */
    get: {
      parameters: {
        query?: {
          cursor?: string;
          limit?: number;
          location?: string;
          store?: string;
          variant?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['InventoryMovement'][];
              page: {
                nextCursor: string | null;
              };
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/inventory/requests': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Inventory requests, newest first (merchants: those of their stores) */
    get: {
      parameters: {
        query?: {
          cursor?: string;
          limit?: number;
          status?: 'pending' | 'approved' | 'rejected' | 'applied' | 'conflict' | 'failed';
          store?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['InventoryRequest'][];
              page: {
                nextCursor: string | null;
              };
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    /** Ask for a stock change (a delta, or a new quantity with `set`); it waits for an approval */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': components['schemas']['CreateInventoryRequest'];
        };
      };
      responses: {
        /** @description Success */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['InventoryRequest'];
            };
          };
        };
        /** @description Invalid input, or a change the level cannot take: past 1,000,000,000, or a decrease below 0 */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The variant or location is not there (or not in one of your stores) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description You have 1000 requests waiting for an answer, the most one person can */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/inventory/requests/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One inventory request */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['InventoryRequest'];
            };
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not found (also for another organization’s ids and malformed ids) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/inventory/requests/{id}/approve': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Approve a pending request (or a conflicted one afresh): it is pushed to the store
     * @description Records the level Dockhand holds as the quantity seen at approval and queues the push, which compare-and-sets against it: `applied`, `conflict` (the store’s quantity moved; both numbers are kept and a fresh approval is needed) or, after its retries, `failed`.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': components['schemas']['ApproveInventoryRequest'];
        };
      };
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['InventoryRequest'];
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not for merchants or staff without the right */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not found (also for another organization’s ids and malformed ids) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The request is not pending or in conflict, or the level has moved so that its result can no longer be held */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/inventory/requests/{id}/reject': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Reject a pending, conflicted or failed request */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': components['schemas']['RejectInventoryRequest'];
        };
      };
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['InventoryRequest'];
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not for merchants */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not found (also for another organization’s ids and malformed ids) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The request was already decided */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/inventory/requests/{id}/retry': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Queue a failed request’s push again (the same approval, a new round of tries) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['InventoryRequest'];
            };
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not for merchants */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not found (also for another organization’s ids and malformed ids) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The request has not failed */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/inventory/thresholds': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** Set or clear low-stock thresholds (per variant, optionally per location) */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': components['schemas']['SetInventoryThresholds'];
        };
      };
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: {
                cleared: number;
                set: {
                  /** Format: uuid */
                  locationId: string | null;
                  /** Format: uuid */
                  storeId: string;
                  threshold: number;
                  updatedAt: string;
                  /** Format: uuid */
                  variantId: string;
                }[];
              };
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not for merchants */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description A variant or location that is not there (or not in the variant’s store) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/openapi.json': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** This document */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/orders': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List orders: filters, search, sort, keyset pages (merchants see their stores only)
     * @description Pages are keyset-paginated: pass `page.nextCursor` back as `cursor` with the same filters and sort. Orders deleted on the store are hidden unless `includeDeleted=true`.
     */
    get: {
      parameters: {
        query?: {
          cursor?: string;
          /** @description One value, several separated by commas, or the parameter repeated */
          financialStatus?: string | string[];
          /** @description One value, several separated by commas, or the parameter repeated */
          fulfillmentStatus?: string | string[];
          /** @description Also list orders deleted on the store (tombstones, `deletedAt` set) */
          includeDeleted?: '0' | '1' | 'true' | 'false';
          limit?: number;
          /** @description Placed at or after this instant (ISO 8601) */
          placedFrom?: string;
          /** @description Placed before this instant (ISO 8601) */
          placedTo?: string;
          /** @description Searches order number, customer name, email and line SKUs (at least 3 characters in a row, without spaces) */
          q?: string;
          /** @description Sort key: placed, updated, total; prefix - for descending (default -placed) */
          sort?: string;
          /** @description One value, several separated by commas, or the parameter repeated */
          status?: string | string[];
          /** @description One value, several separated by commas, or the parameter repeated */
          store?: string | string[];
          /** @description Orders carrying every one of these tags (case-insensitive) */
          tag?: string | string[];
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['OrderSummary'][];
              page: {
                nextCursor: string | null;
              };
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/orders/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One order: lines, customer, addresses, fulfillments and its timeline */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['OrderDetail'];
            };
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not found (also for another organization’s ids and malformed ids) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/orders/{id}/fulfillments': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Ship an order (or some of its lines) with tracking, pushed to the platform
     * @description Pushed synchronously: Shopify `fulfillmentCreate` on the order’s open fulfillment orders (with `lines`, only those line items and quantities); WooCommerce: status `completed` (not for a shipment of only some lines), the tracking in order meta and as an order note (a customer note when `notify`). When the platform refuses or does not answer in time the fulfillment is kept as `failed` and the answer is 409 with `details.reason`. Send an `Idempotency-Key` header (1–200 visible ASCII characters, unique per organization) to make a retry safe: the same key with the same request answers what the first answered (201 with the fulfillment, or 409 with the platform’s reason; `Idempotent-Replayed: true`), and never pushes twice; the same key with a different request answers 409. Without the header every request is a new fulfillment.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': components['schemas']['CreateFulfillment'];
        };
      };
      responses: {
        /** @description Success */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['Fulfillment'];
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Merchants cannot fulfil orders */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not found (also for another organization’s ids and malformed ids) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The platform refused the fulfillment (`details.reason`, `details.fulfillment`), the order is cancelled or deleted, or the Idempotency-Key was used with another request or is still in progress */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/orders/bulk': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * One action over many orders: add tracking, or change status; one result per id
     * @description At most 500 ids. `addTracking` creates a fulfillment per order (as POST /v1/orders/{id}/fulfillments) with one tracking for all or one per id. `changeStatus` sets the order status on the platform: Shopify `open` | `closed` (orderOpen / orderClose); WooCommerce `pending` | `processing` | `on-hold` | `completed` | `cancelled` | `refunded` | `failed`; a status the order’s platform does not have fails that id. Results come in input order; a failure on one id never stops the others. With an `Idempotency-Key`, each order’s fulfillment is keyed by it, so a replayed bulk request replays each item.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': components['schemas']['BulkOrderAction'];
        };
      };
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['BulkOrderResult'][];
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Merchants cannot change orders */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/products': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List products with their variants: search, sort, keyset pages (merchants see their stores only)
     * @description Products deleted on the store are hidden unless `includeDeleted=true`.
     */
    get: {
      parameters: {
        query?: {
          cursor?: string;
          /** @description Also list products deleted on the store (`deletedAt` set) */
          includeDeleted?: '0' | '1' | 'true' | 'false';
          limit?: number;
          /** @description Searches the title and the variants’ SKUs (at least 3 characters in a row, without spaces) */
          q?: string;
          /** @description Sort key: updated, created, title; prefix - for descending (default -updated) */
          sort?: string;
          /** @description One value, several separated by commas, or the parameter repeated */
          status?: string | string[];
          /** @description One value, several separated by commas, or the parameter repeated */
          store?: string | string[];
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['Product'][];
              page: {
                nextCursor: string | null;
              };
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/products/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One product with its variants */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['Product'];
            };
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not found (also for another organization’s ids and malformed ids) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/stats': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Dashboard numbers: orders today and this week, unfulfilled, pending approvals, low stock, sync health
     * @description Over the stores the caller sees (a merchant: its own), or one of them with `store`. Days are UTC.
     */
    get: {
      parameters: {
        query?: {
          store?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['Stats'];
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The store is not there (or not one of yours) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/stores': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List stores (merchants see only their own) */
    get: {
      parameters: {
        query?: {
          cursor?: string;
          limit?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['Store'][];
              page: {
                nextCursor: string | null;
              };
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    /** Add a store by hand (the install flows add them too) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': components['schemas']['CreateStore'];
        };
      };
      responses: {
        /** @description Success */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['Store'];
            };
          };
        };
        /** @description Invalid input, or credentials the store or shop refused */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Owners and admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The organization already has this store connected, or the shop is connected to another organization */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/stores/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One store */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['Store'];
            };
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not found (also for another organization’s ids and malformed ids) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    /** Disconnect a store and forget its credentials */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['Store'];
            };
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Owners and admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not found (also for another organization’s ids and malformed ids) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    /** Rename or reactivate a store */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': components['schemas']['UpdateStore'];
        };
      };
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['Store'];
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Owners and admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not found (also for another organization’s ids and malformed ids) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Only connecting makes a store active (with credentials verified against the platform) */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    trace?: never;
  };
  '/v1/stores/{id}/sync': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Sync status per entity: checkpoint, lag, counts, progress, webhook backlog */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['StoreSyncStatus'];
            };
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not found (also for another organization’s ids and malformed ids) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    /** Start a sync now: reconcile (changes since the checkpoint, the default) or a full backfill */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': components['schemas']['SyncRequest'];
        };
      };
      responses: {
        /** @description Success */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['StoreSyncStatus'];
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Owners and admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not found (also for another organization’s ids and malformed ids) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The store is not active */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/stream': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Live events (Server-Sent Events) of the organization; a merchant sees its own stores only
     * @description A `text/event-stream`. Each event is `id: <id>`, `event: <type>` and `data:` one JSON `StreamEvent` (types: order.created, order.updated, fulfillment.created, inventory.level.updated, inventory.request.created, inventory.request.approved, inventory.request.rejected, inventory.request.applied, inventory.request.conflict, inventory.request.failed, sync.status). Ids grow; resume with the `Last-Event-ID` header (or `?lastEventId=`): every event after it is sent once, in order. Without it the stream starts now and first sends `event: ready` whose `id:` is the last event id, to resume from later. When events after the given id were already pruned (older than the retention window, `DOCKHAND_EVENT_RETENTION_HOURS`, default 24 h), the first event is `event: reset` (with the current id): reload what is shown, then carry on. A `: ping` comment is sent every 15 s, and the access token is checked again each time: when it has expired or its session ended, an `event: error` (`{"code":"UNAUTHORIZED"}`) ends the stream; reconnect with a new token and the last id. Authenticate with `Authorization: Bearer` (use a fetch-based SSE client in browsers). One server holds at most `DOCKHAND_STREAMS_PER_USER` open streams of a user (default 20) and `DOCKHAND_STREAMS_PER_ORG` of an organization (default 1000); past either, the stream is refused with 429.
     */
    get: {
      parameters: {
        query?: {
          /** @description Resume after this event id when the client cannot send the `Last-Event-ID` header (the header wins). */
          lastEventId?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'text/event-stream': components['schemas']['StreamEvent'];
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The role may not read the stream */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited, or the user or the organization already holds as many open streams on this server as it may (`Retry-After`) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/users': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List the organization’s users */
    get: {
      parameters: {
        query?: {
          cursor?: string;
          limit?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['User'][];
              page: {
                nextCursor: string | null;
              };
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Owners and admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    /**
     * Add a person to the organization
     * @description The password given is this membership’s own: the same email may be a member of other organizations, each with its own password, and nothing here says whether it is. 409 only when the email is already a member of this organization.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': components['schemas']['CreateUser'];
        };
      };
      responses: {
        /** @description Success */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['User'];
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Owners and admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The email is already a member of this organization */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/users/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One user */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['User'];
            };
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Owners and admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not found (also for another organization’s ids and malformed ids) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /** Change a user’s role, name, password, stores or disable them */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': components['schemas']['UpdateUser'];
        };
      };
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['User'];
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Owners and admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not found (also for another organization’s ids and malformed ids) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    trace?: never;
  };
  '/v1/views': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Your saved views of the order list (name, filters, sort, columns) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['SavedView'][];
            };
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    /** Save a view: the filters and sort of GET /v1/orders, and the columns to show */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': components['schemas']['CreateSavedView'];
        };
      };
      responses: {
        /** @description Success */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['SavedView'];
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Views belong to a signed-in user */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description You already have a view with this name, or the most views one person can keep (100) */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/views/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One of your saved views */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['SavedView'];
            };
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not found (also for another organization’s ids and malformed ids) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    /** Delete one of your saved views */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['SavedView'];
            };
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not found (also for another organization’s ids and malformed ids) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    /** Change one of your saved views */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': components['schemas']['UpdateSavedView'];
        };
      };
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: components['schemas']['SavedView'];
            };
          };
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Not found (also for another organization’s ids and malformed ids) */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description You already have a view with this name */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    trace?: never;
  };
  '/webhooks/shopify': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Shopify webhook deliveries (HMAC-verified over the raw body) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description X-Shopify-Topic, X-Shopify-Shop-Domain or X-Shopify-Event-Id missing */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The signature does not match, or the body names another shop */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description No store takes deliveries for this shop */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database is unavailable, Shopify is not configured, or an uninstall could not be checked with Shopify */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/webhooks/woocommerce/{storeId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** WooCommerce webhook deliveries and pings */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description The Dockhand store id the webhook was registered with */
          storeId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description X-WC-Webhook-Topic missing */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The signature does not match */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description No active store with this id */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/woocommerce/connect': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Starts the wc-auth app-key flow: redirects to the store the connect_token names (or, with Bearer, store_url). Refused (503) when PUBLIC_URL is not an https address WooCommerce will post the keys to */
    get: {
      parameters: {
        query?: {
          connect_token?: string;
          store_url?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        302: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description No bearer and no connect_token, or a connect_token that is invalid, used or expired, or opened in another browser than the one that asked for it */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Owners and admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database is unavailable, or PUBLIC_URL cannot receive the keys */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/woocommerce/connect-token': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** A short-lived, single-use link that starts connecting one WooCommerce store from a browser (owner/admin) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': {
            storeUrl: string;
          };
        };
      };
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: {
                connectToken: string;
                connectUrl: string;
                expiresIn: number;
              };
            };
          };
        };
        /** @description Invalid input, or a store URL the server may not call */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Missing, expired or revoked access token */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Owners and admins only */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/woocommerce/keys-callback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Receives the app keys from the store (wc-auth callback); answers exactly 200 once per attempt, after the keys work */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: {
        content: {
          'application/json': {
            consumer_key: string;
            consumer_secret: string;
            key_id: number | string;
            key_permissions: string;
            user_id: string | number;
          };
        };
      };
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Invalid input or state, keys without read_write, or keys that do not work against the store */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description No such connect attempt */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The attempt was completed, replaced, cancelled or has expired */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The body is larger than DOCKHAND_BODY_LIMIT */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/woocommerce/return': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Where the browser lands after approving or denying the connection */
    get: {
      parameters: {
        query?: {
          success?: string;
          user_id?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Invalid input (`details` says what) */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description Rate limited (`Retry-After` says when to try again) */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
        /** @description The database or the queue is unavailable (`Retry-After`) */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Error'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    Address: {
      address1: string | null;
      address2: string | null;
      city: string | null;
      company: string | null;
      country: string | null;
      name: string | null;
      phone: string | null;
      province: string | null;
      zip: string | null;
    } | null;
    ApproveInventoryRequest: {
      comment?: string;
    };
    BulkOrderAction:
      | {
          /** @enum {string} */
          action: 'addTracking';
          ids: string[];
          notify?: boolean;
          tracking: components['schemas']['TrackingInput'] | components['schemas']['TrackingInput'][];
        }
      | {
          /** @enum {string} */
          action: 'changeStatus';
          ids: string[];
          /** @enum {string} */
          status: 'open' | 'closed' | 'pending' | 'processing' | 'on-hold' | 'completed' | 'cancelled' | 'refunded' | 'failed';
        };
    BulkOrderResult: {
      error?: {
        /** @enum {string} */
        code: 'NOT_FOUND' | 'BAD_REQUEST' | 'CONFLICT' | 'PLATFORM_ERROR';
        message: string;
      };
      /** Format: uuid */
      fulfillmentId?: string;
      id: string;
      ok: boolean;
      status?: string;
    };
    CreateFulfillment: {
      carrier: string;
      lines?: components['schemas']['FulfillmentLine'][];
      notify?: boolean;
      trackingNumber: string;
      /** Format: uri */
      trackingUrl?: string;
    };
    CreateInventoryRequest: {
      delta?: number;
      /** Format: uuid */
      locationId: string;
      reason: string;
      set?: number;
      /** Format: uuid */
      variantId: string;
    };
    CreateSavedView: {
      /** @default [] */
      columns: (
        | 'id'
        | 'storeId'
        | 'platformId'
        | 'number'
        | 'email'
        | 'customerName'
        | 'status'
        | 'financialStatus'
        | 'fulfillmentStatus'
        | 'currency'
        | 'total'
        | 'tags'
        | 'placedAt'
        | 'updatedAt'
        | 'syncedAt'
        | 'deletedAt'
      )[];
      /** @default {} */
      filters: {
        /** @description One value, several separated by commas, or the parameter repeated */
        financialStatus?: string | string[];
        /** @description One value, several separated by commas, or the parameter repeated */
        fulfillmentStatus?: string | string[];
        includeDeleted?: boolean;
        /**
         * Format: date-time
         * @description Placed at or after this instant (ISO 8601)
         */
        placedFrom?: string;
        /**
         * Format: date-time
         * @description Placed before this instant (ISO 8601)
         */
        placedTo?: string;
        /** @description Searches order number, customer name, email and line SKUs (at least 3 characters in a row, without spaces) */
        q?: string;
        /** @description One value, several separated by commas, or the parameter repeated */
        status?: string | string[];
        /** @description One value, several separated by commas, or the parameter repeated */
        store?: string | string[];
        /** @description Orders carrying every one of these tags (case-insensitive) */
        tag?: string | string[];
      };
      name: string;
      /**
       * @description Sort key: placed, updated, total; prefix - for descending (default -placed)
       * @default -placed
       */
      sort: string;
    };
    CreateStore:
      | {
          credentials?: {
            accessToken: string;
          };
          name: string;
          /** @enum {string} */
          platform: 'shopify';
          shopDomain: string;
        }
      | {
          credentials: {
            consumerKey: string;
            consumerSecret: string;
          };
          name: string;
          /** @enum {string} */
          platform: 'woocommerce';
          /** Format: uri */
          siteUrl: string;
          webhookSecret?: string;
        };
    CreateUser: {
      displayName?: string;
      /** Format: email */
      email: string;
      /** @description At least 12 characters, not only spaces, and not a commonly used password */
      password: string;
      /** @enum {string} */
      role: 'owner' | 'admin' | 'staff' | 'merchant';
      storeIds?: string[];
    };
    Customer: {
      createdAt: string;
      deletedAt: string | null;
      email: string | null;
      firstName: string | null;
      /** Format: uuid */
      id: string;
      lastName: string | null;
      phone: string | null;
      platformId: string;
      platformUpdatedAt: string | null;
      /** @description The platform asked for its personal data to be erased: none is shown */
      redacted: boolean;
      /** Format: uuid */
      storeId: string;
      updatedAt: string;
    };
    CustomerDetail: {
      createdAt: string;
      deletedAt: string | null;
      email: string | null;
      firstName: string | null;
      /** Format: uuid */
      id: string;
      lastName: string | null;
      phone: string | null;
      platformId: string;
      platformUpdatedAt: string | null;
      recentOrders: {
        currency: string;
        /** Format: uuid */
        id: string;
        number: string;
        placedAt: string;
        status: string;
        total: string;
      }[];
      /** @description The platform asked for its personal data to be erased: none is shown */
      redacted: boolean;
      /** Format: uuid */
      storeId: string;
      updatedAt: string;
    };
    Error: {
      error: {
        /** @enum {string} */
        code:
          | 'BAD_REQUEST'
          | 'UNAUTHORIZED'
          | 'FORBIDDEN'
          | 'NOT_FOUND'
          | 'CONFLICT'
          | 'PAYLOAD_TOO_LARGE'
          | 'RATE_LIMITED'
          | 'INTERNAL_ERROR'
          | 'SERVICE_UNAVAILABLE';
        details: {
          [key: string]: unknown;
        };
        message: string;
        requestId: string;
      };
    };
    Fulfillment: {
      carrier: string | null;
      createdAt: string;
      createdBy: string | null;
      error: string | null;
      /** Format: uuid */
      id: string;
      lines: components['schemas']['FulfillmentLine'][] | null;
      notify: boolean;
      /** Format: uuid */
      orderId: string;
      platformId: string | null;
      /** @enum {string} */
      source: 'dockhand' | 'platform';
      /** @enum {string} */
      status: 'pending' | 'pushed' | 'failed' | 'cancelled';
      /** Format: uuid */
      storeId: string;
      trackingNumber: string | null;
      trackingUrl: string | null;
      updatedAt: string;
    };
    FulfillmentLine: {
      /** Format: uuid */
      lineId: string;
      quantity: number;
    };
    Health: {
      checks: {
        /** @enum {string} */
        database: 'ok' | 'error';
        /** @enum {string} */
        queue: 'ok' | 'error';
      };
      /**
       * @description Where sync jobs live: BullMQ on Redis, BullMQ on PostgreSQL, or the embedded runner over the inbox tables
       * @enum {string}
       */
      queueBackend: 'redis' | 'postgres' | 'embedded';
      /** @enum {string} */
      status: 'ok' | 'degraded';
      uptime: number;
      version: string;
    };
    InventoryLevel: {
      available: number;
      /** Format: uuid */
      locationId: string;
      locationName: string;
      low: boolean;
      /** Format: uuid */
      productId: string;
      productTitle: string;
      sku: string | null;
      /** Format: uuid */
      storeId: string;
      threshold: number | null;
      updatedAt: string;
      /** Format: uuid */
      variantId: string;
      variantTitle: string | null;
    };
    InventoryMovement: {
      /** @description Who let the change through (the approver of a request) */
      actorId: string | null;
      createdAt: string;
      delta: number;
      id: string;
      /** Format: uuid */
      locationId: string;
      platformEventId: string | null;
      quantityAfter: number | null;
      reason: string | null;
      /** Format: uuid */
      requestId: string | null;
      /** @description platform (a webhook), reconcile or backfill (polled), request (a push) */
      source: string;
      /** Format: uuid */
      storeId: string;
      /** Format: uuid */
      variantId: string;
    };
    InventoryRequest: {
      /** @description The store’s quantity when the push found it moved */
      actualAvailable: number | null;
      attempts: number;
      createdAt: string;
      currentAvailable: number | null;
      decidedAt: string | null;
      decidedBy: string | null;
      decisionComment: string | null;
      delta: number | null;
      /** @description The level when approved: what the push compares against */
      expectedAvailable: number | null;
      /** Format: uuid */
      id: string;
      /** @enum {string} */
      kind: 'delta' | 'set';
      lastError: string | null;
      /** Format: uuid */
      locationId: string;
      locationName: string;
      nextAttemptAt: string | null;
      productTitle: string;
      reason: string;
      requestedBy: string;
      /** @description Who asked: their display name, else their email */
      requestedByName: string | null;
      setTo: number | null;
      sku: string | null;
      /** @enum {string} */
      status: 'pending' | 'approved' | 'rejected' | 'applied' | 'conflict' | 'failed';
      /** Format: uuid */
      storeId: string;
      updatedAt: string;
      /** Format: uuid */
      variantId: string;
      variantTitle: string | null;
    };
    LoginRequest:
      | {
          /** Format: email */
          email: string;
          /**
           * Format: uuid
           * @description Which organization to enter: only that membership’s password (and code) is checked
           */
          orgId?: string;
          password: string;
          totp?: string;
        }
      | {
          /** Format: uuid */
          orgId: string;
          /** @description From an OrganizationChoice answer */
          selectionToken: string;
        };
    OrderDetail: {
      billingAddress: components['schemas']['Address'];
      currency: string;
      customer: {
        email: string | null;
        firstName: string | null;
        /** Format: uuid */
        id: string | null;
        lastName: string | null;
        phone: string | null;
        platformId: string | null;
        redacted: boolean;
      } | null;
      customerName: string | null;
      /** @description When Dockhand learnt the store deleted it; null while it exists */
      deletedAt: string | null;
      email: string | null;
      financialStatus: string | null;
      fulfillments: components['schemas']['Fulfillment'][];
      fulfillmentStatus: string | null;
      /** Format: uuid */
      id: string;
      lines: {
        /** Format: uuid */
        id: string;
        platformId: string;
        price: string;
        quantity: number;
        sku: string | null;
        title: string;
        /** Format: uuid */
        variantId: string | null;
      }[];
      number: string;
      placedAt: string;
      platformId: string;
      shippingAddress: components['schemas']['Address'];
      status: string;
      /** Format: uuid */
      storeId: string;
      /** @description When Dockhand last recorded a change to it */
      syncedAt: string;
      tags: string[];
      timeline: components['schemas']['OrderTimelineEntry'][];
      /** @description Decimal amount as text, e.g. "42.00" */
      total: string;
      /** @description When the order last changed on the store */
      updatedAt: string;
    };
    OrderSummary: {
      currency: string;
      customerName: string | null;
      /** @description When Dockhand learnt the store deleted it; null while it exists */
      deletedAt: string | null;
      email: string | null;
      financialStatus: string | null;
      fulfillmentStatus: string | null;
      /** Format: uuid */
      id: string;
      number: string;
      placedAt: string;
      platformId: string;
      status: string;
      /** Format: uuid */
      storeId: string;
      /** @description When Dockhand last recorded a change to it */
      syncedAt: string;
      tags: string[];
      /** @description Decimal amount as text, e.g. "42.00" */
      total: string;
      /** @description When the order last changed on the store */
      updatedAt: string;
    };
    OrderTimelineEntry: {
      actor: string | null;
      at: string;
      details: {
        [key: string]: unknown;
      };
      /** @enum {string} */
      source: 'platform' | 'dockhand' | 'sync';
      /** @description Webhook topic, audit action, or sync step (created, updated, deleted) */
      type: string;
    };
    /** @description The password (and code) opened memberships in several organizations and no orgId said which: sign in again with {selectionToken, orgId} within expiresIn seconds (no password or code needed), or with {email, password, totp, orgId}. */
    OrganizationChoice: {
      data: {
        expiresIn: number;
        organizations: {
          /** Format: uuid */
          id: string;
          name: string;
          /** @enum {string} */
          role: 'owner' | 'admin' | 'staff' | 'merchant';
        }[];
        selectionToken: string;
      };
    };
    PasswordChange: {
      currentPassword: string;
      /** @description At least 12 characters, not only spaces, and not a commonly used password */
      newPassword: string;
    };
    Product: {
      createdAt: string;
      deletedAt: string | null;
      /** Format: uuid */
      id: string;
      platformId: string;
      platformUpdatedAt: string | null;
      status: string | null;
      /** Format: uuid */
      storeId: string;
      title: string;
      updatedAt: string;
      variants: components['schemas']['ProductVariant'][];
    };
    ProductVariant: {
      /** Format: uuid */
      id: string;
      inventoryItemId: string | null;
      platformId: string;
      price: string | null;
      sku: string | null;
      title: string | null;
    };
    RejectInventoryRequest: {
      reason: string;
    };
    SavedView: {
      columns: string[];
      createdAt: string;
      filters: {
        [key: string]: unknown;
      };
      /** Format: uuid */
      id: string;
      name: string;
      sort: string;
      updatedAt: string;
    };
    Session: {
      data: {
        accessToken: string;
        expiresIn: number;
        user: components['schemas']['SessionUser'];
      };
    };
    SessionUser: {
      displayName: string | null;
      email: string;
      /** Format: uuid */
      id: string;
      /** Format: uuid */
      orgId: string;
      /** @enum {string} */
      role: 'owner' | 'admin' | 'staff' | 'merchant';
      storeIds: 'all' | string[];
      totpEnabled: boolean;
    };
    SetInventoryThresholds: {
      thresholds: {
        /**
         * Format: uuid
         * @description Absent or null: every location of the variant
         */
        locationId?: string | null;
        /** @description null clears it */
        threshold: number | null;
        /** Format: uuid */
        variantId: string;
      }[];
    };
    Stats: {
      inventory: {
        lowStock: number;
        pendingApprovals: number;
      };
      orders: {
        today: number;
        unfulfilled: number;
        week: number;
      };
      /** @description UTC day and ISO week starts */
      since: {
        today: string;
        week: string;
      };
      sync: {
        entities: {
          checkpoint: string | null;
          count: number;
          /** @enum {string} */
          entity: 'orders' | 'products' | 'customers' | 'inventory';
          lagSeconds: number | null;
          lastError: string | null;
          lastRunAt: string | null;
          processed: number;
          /** @enum {string} */
          status: 'idle' | 'running' | 'failed';
          total: number | null;
        }[];
        /** @enum {string} */
        health: 'ok' | 'syncing' | 'failing' | 'disconnected';
        inbox: {
          failed: number;
          oldestPendingAt: string | null;
          pending: number;
        };
        name: string;
        /** Format: uuid */
        storeId: string;
        storeStatus: string;
      }[];
    };
    Store: {
      createdAt: string;
      hasCredentials: boolean;
      /** Format: uuid */
      id: string;
      name: string;
      /** @enum {string} */
      platform: 'shopify' | 'woocommerce';
      shopDomain: string | null;
      siteUrl: string | null;
      /** @enum {string} */
      status: 'pending' | 'active' | 'disconnected' | 'uninstalled';
      updatedAt: string;
    };
    StoreSyncStatus: {
      entities: {
        checkpoint: string | null;
        count: number;
        /** @enum {string} */
        entity: 'orders' | 'products' | 'customers' | 'inventory';
        lagSeconds: number | null;
        lastError: string | null;
        lastRunAt: string | null;
        processed: number;
        /** @enum {string} */
        status: 'idle' | 'running' | 'failed';
        total: number | null;
      }[];
      inbox: {
        failed: number;
        oldestPendingAt: string | null;
        pending: number;
      };
      /** Format: uuid */
      storeId: string;
    };
    StreamEvent: {
      createdAt: string;
      data: {
        [key: string]: unknown;
      };
      id: string;
      /** Format: uuid */
      storeId: string | null;
      subjectId: string | null;
      /** @enum {string} */
      type:
        | 'order.created'
        | 'order.updated'
        | 'fulfillment.created'
        | 'inventory.level.updated'
        | 'inventory.request.created'
        | 'inventory.request.approved'
        | 'inventory.request.rejected'
        | 'inventory.request.applied'
        | 'inventory.request.conflict'
        | 'inventory.request.failed'
        | 'sync.status';
    };
    SyncRequest: {
      /** @enum {string} */
      entity?: 'orders' | 'products' | 'customers' | 'inventory';
      /**
       * @default reconcile
       * @enum {string}
       */
      mode: 'backfill' | 'reconcile';
    };
    TotpEnrolment: {
      currentPassword: string;
    };
    TrackingInput: {
      carrier: string;
      trackingNumber: string;
      /** Format: uri */
      trackingUrl?: string;
    };
    UpdateSavedView: {
      columns?: (
        | 'id'
        | 'storeId'
        | 'platformId'
        | 'number'
        | 'email'
        | 'customerName'
        | 'status'
        | 'financialStatus'
        | 'fulfillmentStatus'
        | 'currency'
        | 'total'
        | 'tags'
        | 'placedAt'
        | 'updatedAt'
        | 'syncedAt'
        | 'deletedAt'
      )[];
      filters?: {
        /** @description One value, several separated by commas, or the parameter repeated */
        financialStatus?: string | string[];
        /** @description One value, several separated by commas, or the parameter repeated */
        fulfillmentStatus?: string | string[];
        includeDeleted?: boolean;
        /**
         * Format: date-time
         * @description Placed at or after this instant (ISO 8601)
         */
        placedFrom?: string;
        /**
         * Format: date-time
         * @description Placed before this instant (ISO 8601)
         */
        placedTo?: string;
        /** @description Searches order number, customer name, email and line SKUs (at least 3 characters in a row, without spaces) */
        q?: string;
        /** @description One value, several separated by commas, or the parameter repeated */
        status?: string | string[];
        /** @description One value, several separated by commas, or the parameter repeated */
        store?: string | string[];
        /** @description Orders carrying every one of these tags (case-insensitive) */
        tag?: string | string[];
      };
      name?: string;
      /**
       * @description Sort key: placed, updated, total; prefix - for descending (default -placed)
       * @default -placed
       */
      sort: string;
    };
    UpdateStore: {
      name?: string;
      /** @enum {string} */
      status?: 'pending' | 'active';
    };
    UpdateUser: {
      disabled?: boolean;
      displayName?: string;
      /** @description At least 12 characters, not only spaces, and not a commonly used password */
      password?: string;
      /** @enum {string} */
      role?: 'owner' | 'admin' | 'staff' | 'merchant';
      storeIds?: string[];
    };
    User: {
      createdAt: string;
      disabled: boolean;
      displayName: string | null;
      email: string;
      /** Format: uuid */
      id: string;
      /** @enum {string} */
      role: 'owner' | 'admin' | 'staff' | 'merchant';
      storeIds: string[];
      totpEnabled: boolean;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
